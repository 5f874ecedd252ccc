import { mkdirSync } from "node:fs";
import { arch, platform } from "node:os";
import type { AppInfo } from "../../../shared/api/index.js";
import { probeComputeWithLlama, type ComputeFacts } from "../hardware/compute-probe.js";
import { HardwareService } from "../hardware/hardware-service.js";
import { InferenceService } from "../inference/inference-service.js";
import type { WorkerLauncher } from "../inference/worker-launcher.js";
import { createModelHandlers } from "../models/api-handlers.js";
import { ModelService } from "../models/model-service.js";
import { ApiRouter, type ApiHandlers } from "./api-router.js";
import { ConfigStore, type Config } from "./config.js";
import { EventBus } from "./events.js";
import { createAppHandlers } from "./handlers/app-handlers.js";
import { createHardwareHandlers } from "./handlers/hardware-handlers.js";
import { createInferenceHandlers } from "./handlers/inference-handlers.js";
import { LogSink, type Logger } from "./logger.js";
import type { Service } from "./service.js";
import { createWalletHandlers } from "../wallet/api-handlers.js";
import type { DeviceSecretStore } from "../wallet/device-unlock.js";
import { WalletService } from "../wallet/wallet-service.js";

export interface CoreOptions {
  dataDir: string;
  version: string;
  /** Echo logs to stderr (headless). */
  logToConsole?: boolean;
  /** How inference workers are spawned: Electron passes a utilityProcess launcher; default is child_process. */
  workerLauncher?: WorkerLauncher;
  /** Replaces the node-llama-cpp backend probe (tests, rig mode). */
  probeCompute?: () => Promise<ComputeFacts>;
  /** Settings that win over the config file for this run (command-line flags). */
  overrides?: (config: Config) => void;
  telemetryIntervalMs?: number;
  /** OS keychain for "remember the wallet on this device": Electron passes deviceSecretStoreFromSafeStorage(safeStorage). */
  deviceSecretStore?: DeviceSecretStore;
}

/** The engine: every service built once, wired together, started in order and disposed in reverse. */
export interface Core {
  readonly dataDir: string;
  readonly config: ConfigStore;
  readonly events: EventBus;
  readonly logs: LogSink;
  readonly logger: Logger;
  readonly router: ApiRouter;
  readonly hardware: HardwareService;
  readonly inference: InferenceService;
  readonly wallet: WalletService;
  readonly models: ModelService;
  /** The effective settings of this run (config file plus overrides). */
  readonly settings: Config;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

/** The composition root. Nothing else in the engine constructs a service. */
export function createCore(options: CoreOptions): Core {
  const startedAt = Date.now();
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const events = new EventBus();
  const logs = new LogSink({
    dir: `${options.dataDir}/logs`,
    console: options.logToConsole,
    onEntry: (entry) => events.emit("log.entry", entry),
  });
  const logger = logs.logger("app");
  const config = new ConfigStore(options.dataDir, logger);
  const settings = config.get();
  options.overrides?.(settings);

  const hardware = new HardwareService({
    logger: logs.logger("hardware"),
    probeCompute: options.probeCompute ?? probeComputeWithLlama,
    onSample: (sample) => events.emit("hardware.telemetry", sample),
    sampleIntervalMs: options.telemetryIntervalMs,
  });
  const inference = new InferenceService({
    logger: logs.logger("inference"),
    launcher: options.workerLauncher,
    openAi: settings.openAi,
    defaults: { contextSize: settings.inference.contextSize, parallelSequences: settings.inference.parallelSequences },
  });
  inference.onStatus((status) => events.emit("inference.status", status));
  const wallet = new WalletService({
    dataDir: options.dataDir,
    logger: logs.logger("wallet"),
    emit: (event, snapshot) => events.emit(event, snapshot),
    deviceSecretStore: options.deviceSecretStore,
  });
  const models = new ModelService({
    dataDir: options.dataDir,
    logger: logs.logger("models"),
    emit: (event, payload) => events.emit(event, payload),
    hardware,
    inference,
  });

  const info = (): Omit<AppInfo, "transport"> => ({
    name: "PocketForge",
    version: options.version,
    apiVersion: 1,
    platform: platform(),
    arch: arch(),
    dataDir: options.dataDir,
    network: settings.network,
    startedAt,
  });

  const handlers: ApiHandlers = {
    ...createAppHandlers({ info, logs }),
    ...createHardwareHandlers(hardware),
    ...createInferenceHandlers(
      inference,
      (requestId, delta) => events.emit("inference.token", { requestId, delta }),
      (modelPath) => config.update((c) => void (c.inference.modelPath = modelPath)),
    ),
    ...createWalletHandlers(wallet),
    ...createModelHandlers(models),
  };
  const router = new ApiRouter(handlers, logs.logger("api"));

  const services: Service[] = [wallet, hardware, inference, models];
  let started: Service[] = [];

  return {
    dataDir: options.dataDir,
    config,
    events,
    logs,
    logger,
    router,
    hardware,
    inference,
    wallet,
    models,
    settings,
    async start() {
      logger.info("starting engine", { version: options.version, network: settings.network });
      for (const service of services) {
        await service.start();
        started.push(service);
      }
      if (settings.inference.modelPath) {
        // A model that no longer loads must not stop the app from starting: the dashboard shows the error.
        await inference.load({ modelPath: settings.inference.modelPath }).catch((error) =>
          logger.warn("could not load the last used model", { modelPath: settings.inference.modelPath, error }),
        );
      }
    },
    async dispose() {
      for (const service of started.reverse()) {
        await service.dispose().catch((error) => logger.error("service failed to stop cleanly", { error }));
      }
      started = [];
      logger.info("engine stopped");
    },
  };
}
