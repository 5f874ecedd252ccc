import { fromBech32, toBech32 } from "@cosmjs/encoding";
import { ApiError } from "../../../shared/api/index.js";
import { POKT_ADDRESS_PREFIX } from "../pokt/keys.js";

/**
 * BIP173's length limit. Passed explicitly: cosmjs 0.39 defaults to Infinity, which the installed @scure/base
 * rejects ("limit: expected safe integer"), so every decode without it would fail.
 */
export const BECH32_LIMIT = 90;

/**
 * Checks a typed or pasted address and returns its canonical lower-case form. `what` names the field in the
 * message ("owner address"). A valid address of another Cosmos chain gets its own explanation, since pasting a
 * `cosmos1…` or `osmo1…` address where a `pokt1…` one belongs is the likely mistake.
 */
export function parsePoktAddress(input: string, what = "address"): string {
  let decoded: { prefix: string; data: Uint8Array };
  try {
    decoded = fromBech32(input.trim(), BECH32_LIMIT);
  } catch (error) {
    throw new ApiError(
      "invalid_params",
      `The ${what} is not a valid address (${(error as Error).message}); check for a typo or a missing character`,
      { reason: "invalid_address" },
    );
  }
  if (decoded.prefix !== POKT_ADDRESS_PREFIX) {
    throw new ApiError(
      "invalid_params",
      `The ${what} starts with "${decoded.prefix}1", so it belongs to another network; POKT addresses start with "${POKT_ADDRESS_PREFIX}1"`,
      { reason: "prefix_mismatch", expectedPrefix: POKT_ADDRESS_PREFIX, foundPrefix: decoded.prefix },
    );
  }
  // 20 bytes for key accounts; 32 for module / interchain accounts, which the chain also accepts as addresses.
  if (decoded.data.length !== 20 && decoded.data.length !== 32) {
    throw new ApiError("invalid_params", `The ${what} has ${decoded.data.length} bytes of data; a POKT account has 20`, {
      reason: "invalid_address",
    });
  }
  return toBech32(POKT_ADDRESS_PREFIX, decoded.data);
}
