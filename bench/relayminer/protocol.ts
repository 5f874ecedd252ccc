import { testKey } from "../../test/fixtures/relayminer/chain.js";

export const BENCH_APP = testKey("bench-relayminer-app");
export const BENCH_OPERATOR = testKey("bench-relayminer-operator");
export const BENCH_HEIGHT = 5n;

export interface ServerRequest {
  mode: "echo" | "model";
  modelPath?: string;
  sequences?: number;
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
