import { create } from "zustand";
import type {
  AppInfo,
  EngineStartup,
  HardwareInfo,
  InferenceMetrics,
  InferenceStatus,
  LogEntry,
  PocketForgeApi,
  TelemetrySample,
  WorkerStats,
} from "../../../shared/api/index.js";
import type { ConnectionState } from "../api/ws-client.js";

const TELEMETRY_KEEP = 720;
const LOGS_KEEP = 2000;

/**
 * A projection of the engine's state. The engine owns the truth; this store only mirrors snapshots and events, so
 * a reload or a second dashboard tab shows the same thing.
 */
export interface EngineState {
  connection: ConnectionState;
  /** The engine's start; null until asked. Pages render once it is ready (other calls are refused before). */
  startup: EngineStartup | null;
  info: AppInfo | null;
  hardware: HardwareInfo | null;
  hardwareError: string | null;
  telemetry: TelemetrySample[];
  inference: InferenceStatus | null;
  /** TTFT and tokens/s of recent requests; the engine has no event for it, so the dashboard polls (pollInferenceMetrics). */
  inferenceMetrics: InferenceMetrics | null;
  /** Polled metrics, oldest first, for the tokens/s chart. */
  inferenceHistory: InferenceMetrics[];
  /** Inference workers (one per GPU in rig mode) with their load and token counts. */
  workers: WorkerStats[];
  logs: LogEntry[];
}

export const useEngine = create<EngineState>(() => ({
  connection: "connecting",
  startup: null,
  info: null,
  hardware: null,
  hardwareError: null,
  telemetry: [],
  inference: null,
  inferenceMetrics: null,
  inferenceHistory: [],
  workers: [],
  logs: [],
}));

/** Keeps the store in step with engine events (refreshSnapshots loads the first view). Returns an unsubscribe function. */
export function bindEngine(api: PocketForgeApi): () => void {
  const set = useEngine.setState;
  const unsubscribers = [
    api.on("hardware.telemetry", (sample) =>
      set((s) => ({ telemetry: [...s.telemetry, sample].slice(-TELEMETRY_KEEP) })),
    ),
    api.on("inference.status", (inference) => set({ inference })),
    api.on("rig.workers", ({ workers }) => set({ workers })),
    api.on("log.entry", (entry) => set((s) => ({ logs: [...s.logs, entry].slice(-LOGS_KEEP) }))),
  ];
  return () => unsubscribers.forEach((off) => off());
}

export async function refreshSnapshots(api: PocketForgeApi): Promise<void> {
  const set = useEngine.setState;
  await Promise.all([
    api.invoke("app.info", {}).then((info) => set({ info })),
    api.invoke("inference.status", {}).then((inference) => set({ inference })),
    api.invoke("rig.workers", {}).then(({ workers }) => set({ workers })),
    api.invoke("hardware.telemetry", {}).then((telemetry) => set({ telemetry })),
    api.invoke("logs.tail", { limit: 500, minLevel: "debug" }).then((logs) => set({ logs })),
    api
      .invoke("hardware.info", {})
      .then((hardware) => set({ hardware, hardwareError: null }))
      .catch((error: Error) => set({ hardwareError: error.message })),
  ]).catch(() => {
    // Connection loss is shown by the connection banner; the next reconnect refreshes.
  });
}

/**
 * Follows the engine's start and calls `onReady` each time it is (or becomes) ready: at once when it already is,
 * else when its app.startup event says so. Call again after a reconnect. Returns an unsubscribe function.
 */
export function followStartup(api: PocketForgeApi, onReady: () => void): () => void {
  let ready = false;
  const take = (startup: EngineStartup) => {
    useEngine.setState({ startup });
    if (startup.state === "ready" && !ready) {
      ready = true;
      onReady();
    }
  };
  const off = api.on("app.startup", take);
  api.invoke("app.startup", {}).then(take, () => {
    // Connection loss is shown by the connection banner; the next connection asks again.
  });
  return off;
}

/** Refreshes the inference metrics every `intervalMs` while something shows them; returns the stop function. */
export function pollInferenceMetrics(api: PocketForgeApi, intervalMs = 2000): () => void {
  const poll = () =>
    api.invoke("inference.metrics", {}).then(
      (inferenceMetrics) =>
        useEngine.setState((s) => ({ inferenceMetrics, inferenceHistory: [...s.inferenceHistory, inferenceMetrics].slice(-TELEMETRY_KEEP) })),
      () => {}, // a missed poll is retried on the next tick; the connection banner reports outages
    );
  void poll();
  const timer = setInterval(poll, intervalMs);
  return () => clearInterval(timer);
}
