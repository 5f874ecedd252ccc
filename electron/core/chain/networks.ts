// Network profiles (docs/protocol.md §1.2): where the CometBFT RPC of each network lives, which chain ids it may
// report, its minimum gas price and roughly how fast it produces blocks (which sets polling intervals).
export type NetworkName = "localnet" | "beta" | "mainnet" | "custom";

export interface NetworkProfile {
  readonly name: NetworkName;
  /** CometBFT JSON-RPC over HTTP(S), e.g. https://sauron-rpc.infra.pocket.network */
  readonly rpcUrl: string;
  /** CometBFT WebSocket base (ws:// or wss://, without /websocket; cosmjs appends it). */
  readonly wsUrl: string;
  /** Chain ids the node may report in /status; empty accepts any (custom endpoints). */
  readonly expectedChainIds: readonly string[];
  /** Validators' minimum gas price, e.g. "0.000001upokt"; fees are computed from it. */
  readonly minGasPrice: string;
  readonly denom: string;
  /** Typical block interval; follower and broadcast polling are paced by it. */
  readonly blockTimeMs: number;
  /**
   * Whether /block_results may be fetched. Only the embedded localnet allows it: on a real network one
   * settlement block's results can be around 1 GB.
   */
  readonly allowsBlockResults: boolean;
}

export const DEFAULT_DENOM = "upokt";
export const DEFAULT_MIN_GAS_PRICE = "0.000001upokt";
/** Our embedded chain's id. Deliberately not "pocket" (mainnet's id) so no localnet signature can ever replay on mainnet. */
export const LOCALNET_CHAIN_ID = "pocketforge-localnet";

/** ws(s) base URL for an http(s) RPC URL: same host and path, scheme swapped. */
export function websocketUrlFor(rpcUrl: string): string {
  const url = new URL(rpcUrl);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`RPC URL must start with http:// or https://, got ${rpcUrl}`);
  }
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString().replace(/\/+$/, "");
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

export const MAINNET: NetworkProfile = {
  name: "mainnet",
  rpcUrl: "https://sauron-rpc.infra.pocket.network",
  wsUrl: "wss://sauron-rpc.infra.pocket.network",
  expectedChainIds: ["pocket"],
  minGasPrice: DEFAULT_MIN_GAS_PRICE,
  denom: DEFAULT_DENOM,
  blockTimeMs: 60_000,
  allowsBlockResults: false,
};

export const BETA: NetworkProfile = {
  name: "beta",
  rpcUrl: "https://sauron-rpc.beta.infra.pocket.network",
  wsUrl: "wss://sauron-rpc.beta.infra.pocket.network",
  // The code constant says pocket-lego-testnet, explorer links say pocket-beta (docs/protocol.md §1.2, §15.2).
  expectedChainIds: ["pocket-lego-testnet", "pocket-beta"],
  minGasPrice: DEFAULT_MIN_GAS_PRICE,
  denom: DEFAULT_DENOM,
  blockTimeMs: 60_000,
  allowsBlockResults: false,
};

/** The embedded (or a shared standalone) localnet at `rpcUrl`. */
export function localnetProfile(rpcUrl: string, blockTimeMs = 1000): NetworkProfile {
  return {
    name: "localnet",
    rpcUrl: trimSlash(rpcUrl),
    wsUrl: websocketUrlFor(rpcUrl),
    expectedChainIds: [LOCALNET_CHAIN_ID],
    minGasPrice: DEFAULT_MIN_GAS_PRICE,
    denom: DEFAULT_DENOM,
    blockTimeMs,
    allowsBlockResults: true,
  };
}

export interface CustomEndpoints {
  rpcUrl: string;
  wsUrl?: string;
  chainId?: string;
  minGasPrice?: string;
  blockTimeMs?: number;
}

/** A user-supplied node. block_results stays off: we cannot know the node is not a real network's. */
export function customProfile(endpoints: CustomEndpoints): NetworkProfile {
  const rpcUrl = trimSlash(endpoints.rpcUrl);
  websocketUrlFor(rpcUrl); // validates the scheme
  const wsUrl = endpoints.wsUrl ? trimSlash(endpoints.wsUrl) : websocketUrlFor(rpcUrl);
  if (!/^wss?:\/\//.test(wsUrl)) throw new Error(`WebSocket URL must start with ws:// or wss://, got ${wsUrl}`);
  return {
    name: "custom",
    rpcUrl,
    wsUrl,
    expectedChainIds: endpoints.chainId ? [endpoints.chainId] : [],
    minGasPrice: endpoints.minGasPrice ?? DEFAULT_MIN_GAS_PRICE,
    denom: DEFAULT_DENOM,
    blockTimeMs: endpoints.blockTimeMs ?? 60_000,
    allowsBlockResults: false,
  };
}

/** The fixed public profiles; localnet and custom need an address and are built with the functions above. */
export function publicProfile(name: "beta" | "mainnet"): NetworkProfile {
  return name === "beta" ? BETA : MAINNET;
}
