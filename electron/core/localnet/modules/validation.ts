// Stateless checks shared by the staking modules (docs/protocol.md §10.4).
import { isValidAccountAddress } from "../../pokt/relay.js";
import type { cosmos } from "../../pokt/proto/index.js";

/** Parses a upokt Coin; undefined when it is absent, an error message when it is malformed. */
export function upoktAmount(coin: cosmos.Coin | undefined): bigint | undefined | string {
  if (coin === undefined) return undefined;
  if (coin.denom !== "upokt") return `denom must be upokt, got ${JSON.stringify(coin.denom)}`;
  if (!/^\d+$/.test(coin.amount)) return `invalid amount ${JSON.stringify(coin.amount)}`;
  return BigInt(coin.amount);
}

export function isAddress(address: string): boolean {
  return isValidAccountAddress(address);
}

/** An endpoint URL a gateway can reach: http(s) or ws(s), with a host. */
export function endpointUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `endpoint URL ${JSON.stringify(url)} is not a URL`;
  }
  if (!["http:", "https:", "ws:", "wss:"].includes(parsed.protocol)) {
    return `endpoint URL ${JSON.stringify(url)} must use http, https, ws or wss`;
  }
  if (parsed.hostname === "") return `endpoint URL ${JSON.stringify(url)} has no host`;
  return undefined;
}
