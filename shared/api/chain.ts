import { z } from "zod";
import { method, type EventMap, type MethodMap } from "./define.js";

/**
 * The chain's share of the API: which network the engine talks to, its status and balances, and the embedded
 * localnet's controls (faucet, reset, traffic generator). Amounts are upokt as decimal strings (they can exceed
 * 2^53).
 */

export const NetworkName = z.enum(["localnet", "beta", "mainnet", "custom"]);
export type NetworkName = z.infer<typeof NetworkName>;

/** A decimal upokt amount, e.g. "1000000" (1 POKT). */
export const UpoktAmount = z.string().regex(/^\d{1,30}$/, "a whole number of upokt");

const HttpUrl = z
  .string()
  .trim()
  .max(500)
  .regex(/^https?:\/\/[^\s/]+/, "an http:// or https:// URL");

export const ChainStatus = z.object({
  network: NetworkName,
  /** What the connected node reports; null while unreachable. */
  chainId: z.string().nullable(),
  height: z.number().int().nullable(),
  latestBlockTime: z.string().nullable(),
  reachable: z.boolean(),
  rpcUrl: z.string().nullable(),
  /** Why the node is unreachable, in one sentence. */
  error: z.string().nullable(),
  /** How blocks arrive: pushed over the WebSocket, or polled while it is down. */
  following: z.enum(["websocket", "polling", "stopped"]),
  localnet: z.object({
    /** "embedded": this engine runs it; "shared": a standalone `npm run localnet` at rpcUrl. */
    mode: z.enum(["embedded", "shared", "off"]),
  }),
});
export type ChainStatus = z.infer<typeof ChainStatus>;

export const SetNetworkParams = z
  .object({
    network: NetworkName,
    /** custom: the node's CometBFT RPC; localnet: a shared standalone localnet instead of the embedded one. */
    rpcUrl: HttpUrl.optional(),
    /** custom only: refuse a node that reports another chain id. */
    chainId: z.string().trim().min(1).max(64).optional(),
  })
  .strict()
  .refine((p) => p.network !== "custom" || p.rpcUrl !== undefined, { message: "a custom network needs rpcUrl", path: ["rpcUrl"] })
  .refine((p) => p.network === "custom" || p.network === "localnet" || p.rpcUrl === undefined, {
    message: "beta and mainnet use their public endpoints",
    path: ["rpcUrl"],
  });
export type SetNetworkParams = z.infer<typeof SetNetworkParams>;

export const Balance = z.object({ address: z.string(), denom: z.literal("upokt"), amount: UpoktAmount });
export type Balance = z.infer<typeof Balance>;

export const ChainBlock = z.object({
  network: NetworkName,
  height: z.number().int(),
  /** Uppercase hex CometBFT block hash. */
  hash: z.string(),
  time: z.string(),
});
export type ChainBlock = z.infer<typeof ChainBlock>;

export const TrafficStats = z.object({
  running: z.boolean(),
  ratePerSecond: z.number(),
  serviceId: z.string(),
  applicationAddress: z.string().nullable(),
  gatewayAddress: z.string().nullable(),
  sent: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  failuresByReason: z.record(z.string(), z.number().int()),
  latencyMsP50: z.number().nullable(),
  latencyMsP95: z.number().nullable(),
  streamed: z.number().int().describe("good answers that came as streams"),
  firstTokenMsP50: z.number().nullable().describe("median time to the first text of a streamed answer"),
  lastError: z.string().nullable(),
  lastRelayAt: z.number().nullable().describe("epoch milliseconds"),
  suppliers: z.array(z.object({ operatorAddress: z.string(), sent: z.number().int(), succeeded: z.number().int(), failed: z.number().int() })),
});
export type TrafficStats = z.infer<typeof TrafficStats>;

const Address = z.string().trim().min(1, "enter an address").max(200);

export const chainMethods = {
  "chain.status": method(z.object({}).strict(), ChainStatus, "Network, chain id, height and reachability of the node the engine uses"),
  "chain.setNetwork": method(SetNetworkParams, ChainStatus, "Switch to localnet, beta, mainnet or a custom node (persisted)"),
  "chain.balance": method(z.object({ address: Address }).strict(), Balance, "An account's upokt balance on the current network"),
  "localnet.faucet": method(
    z.object({ address: Address, amount: UpoktAmount.optional() }).strict(),
    z.object({ address: z.string(), amount: UpoktAmount, height: z.number().int() }),
    "Fund an account on the localnet (default: what starting as a supplier takes there, the minimum stake plus an add-service fee plus 1,000 POKT); resolves once the block paid it",
  ),
  "localnet.reset": method(z.object({}).strict(), ChainStatus, "Throw the embedded localnet away and start a new chain from genesis"),
  "localnet.traffic": method(
    z
      .object({
        action: z.enum(["start", "stop", "setRate"]),
        ratePerSecond: z.number().gt(0).max(100).optional(),
        /** start: the service its application uses (default: the genesis service); the supplier must serve it. */
        serviceId: z.string().regex(/^[a-zA-Z0-9_-]{1,42}$/, "a service id").optional(),
        /** start: the `model` its chat requests name (the served model's name; OpenAI servers refuse other names). */
        model: z.string().min(1).max(200).optional(),
      })
      .strict()
      .refine((p) => p.action !== "setRate" || p.ratePerSecond !== undefined, { message: "setRate needs ratePerSecond", path: ["ratePerSecond"] }),
    TrafficStats,
    "Start or stop the localnet traffic generator, or change its rate (relays per second to each supplier)",
  ),
  "localnet.trafficStats": method(z.object({}).strict(), TrafficStats, "Relays sent by the traffic generator: successes, failures by reason, latency"),
} satisfies MethodMap;

export const chainEvents = {
  "chain.block": ChainBlock,
  "localnet.traffic": TrafficStats,
} satisfies EventMap;
