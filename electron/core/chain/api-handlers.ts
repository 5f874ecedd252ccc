// chain.* API methods over the ChainService.
import { ApiError } from "../../../shared/api/index.js";
import type { HandlersFor } from "../runtime/api-router.js";
import { isValidAccountAddress } from "../pokt/relay.js";
import type { ChainService } from "./chain-service.js";
import { ChainUnavailableError } from "./errors.js";

export function requireAddress(address: string): string {
  if (!isValidAccountAddress(address)) throw new ApiError("invalid_params", `"${address}" is not a pokt1… address`);
  return address;
}

export function createChainHandlers(chain: ChainService): HandlersFor<"chain.status" | "chain.setNetwork" | "chain.balance"> {
  return {
    "chain.status": () => chain.status(),
    "chain.setNetwork": async (params) => {
      try {
        return await chain.setNetwork(params);
      } catch (error) {
        throw new ApiError("invalid_params", error instanceof Error ? error.message : String(error));
      }
    },
    "chain.balance": async ({ address }) => {
      requireAddress(address);
      try {
        return { address, denom: "upokt" as const, amount: (await chain.balance(address)).toString() };
      } catch (error) {
        if (error instanceof ChainUnavailableError || !chain.client) throw new ApiError("unavailable", error instanceof Error ? error.message : String(error));
        throw error;
      }
    },
  };
}
