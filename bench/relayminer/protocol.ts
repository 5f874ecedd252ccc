import { testKey } from "../../test/fixtures/relayminer/chain.js";

export const BENCH_APP = testKey("bench-relayminer-app");
export const BENCH_OPERATOR = testKey("bench-relayminer-operator");
export const BENCH_HEIGHT = 5n;

export interface ServerRequest {
  mode: "echo" | "model";
  modelPath?: string;
  sequences?: number;
}

/**
 * From now on skip (`skip: true`) or run the miner's ring check and response signature (the model rows use it). A
 * diagnostic of what the ratio would be if those two cost nothing; the relays are still decoded, hashed, their
 * sessions and ring keys checked, mined and booked, and the responses carry a zeroed signature the bench client does
 * not check. The server answers `{ type: "skip-crypto" }` once the switch is set.
 */
export interface SkipCryptoRequest {
  type: "skip-crypto";
  skip: boolean;
}

export interface ServerReady {
  minerUrl: string;
  directUrl: string;
  model: string | null;
  /** The inference worker's process (model mode), so the bench can pin it to a core. */
  enginePid: number | null;
  /** SessionHeader with heights as decimal strings (IPC carries no bigint). */
  header: { applicationAddress: string; serviceId: string; sessionId: string; sessionStartBlockHeight: string; sessionEndBlockHeight: string };
}
