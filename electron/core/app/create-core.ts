import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { arch, platform } from "node:os";
import { ApiError, type AppInfo, type AppSettings, type WorkerDevice } from "../../../shared/api/index.js";
import type { ComputeFacts } from "../hardware/compute-probe.js";
import { HardwareService } from "../hardware/hardware-service.js";
import { reportGpuHeat } from "../hardware/heat-alerts.js";
import { GpuHeatMonitor } from "../hardware/heat-monitor.js";
import {
  createOpenAiHandler,
  deviceEnvironment,
  ForkWorkerLauncher,
  InferencePool,
  PinnedWorkerLauncher,
  planWorkerDevices,
  probeComputeInWorker,
  WorkerSupervisor,
  type LoadTuning,
  type WorkerLauncher,
} from "../inference/index.js";
import { AvailabilityController } from "../serving/availability-controller.js";
import type { ServingControl } from "../serving/serving-control.js";
import { createModelHandlers, createSharingHandlers } from "../models/api-handlers.js";
import { MdnsPeers } from "../models/sharing/mdns.js";
import { SharingService } from "../models/sharing/sharing-service.js";
import { ModelPaths } from "../models/model-paths.js";
import { tightenPermissions } from "../runtime/private-files.js";
import { basename } from "node:path";
import { dataDirLayout } from "../runtime/data-dir.js";
import { StartupProgress } from "./startup-progress.js";
import { createChainHandlers } from "../chain/api-handlers.js";
import { ChainService } from "../chain/chain-service.js";
import type { ChainClient } from "../chain/client.js";
import { createLocalnetHandlers } from "../localnet/api-handlers.js";
import { LocalnetService } from "../localnet/localnet-service.js";
import { defaultLocalnetGenesis } from "../localnet/config.js";
import { createEarningsHandlers } from "../ledger/api-handlers.js";
import { Ledger } from "../ledger/ledger.js";
import { createRelayMinerHandlers } from "../relayminer/api-handlers.js";
import { connectMinerChain } from "../relayminer/connect.js";
import { RelayMinerService } from "../relayminer/relayminer-service.js";
import { ModelService } from "../models/model-service.js";
import { ApiRouter, type ApiHandlers } from "../runtime/api-router.js";
import { ConfigStore, type Config } from "./config.js";
import { InferenceUsageStore } from "./inference-usage.js";
import { EventBus } from "../runtime/events.js";
import { AlertCenter } from "../runtime/alerts.js";
import { alertForMinerSession } from "../relayminer/session-alerts.js";
import { createAppHandlers } from "./handlers/app-handlers.js";
import { createPreferencesHandlers } from "./handlers/preferences-handlers.js";
import { buildDiagnostics } from "./diagnostics.js";
import { PreferencesStore, PriceFeed } from "./preferences.js";
import { PortsSettings } from "./ports.js";
import { createStakingHandlers } from "../staking/api-handlers.js";
import { StakingService } from "../staking/staking-service.js";
import { createReachHandlers } from "../reach/api-handlers.js";
import { ReachService } from "../reach/reach-service.js";
import { createFleetHandlers } from "../fleet/api-handlers.js";
import { FleetService, type ReceivedRequest } from "../fleet/fleet-service.js";
import { MdnsFleetDiscovery } from "./fleet-discovery.js";
import type { NodeReport } from "../fleet/wire.js";
import { loadOrCreateDashboardTls } from "./dashboard-tls.js";
import { hostname } from "node:os";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isLoopbackHost } from "../runtime/host-names.js";
import { appSettingsOf, createSettingsHandlers } from "./handlers/settings-handlers.js";
import { createUpdateHandlers } from "./handlers/update-handlers.js";
import { UpdateCenter } from "./updates.js";
import { createAvailabilityHandlers } from "../serving/api-handlers.js";
import { createRigHandlers } from "../inference/pool/api-handlers.js";
import { createHardwareHandlers } from "../hardware/api-handlers.js";
import { createInferenceHandlers } from "../inference/api-handlers.js";
import { LogSink, type Logger } from "../runtime/logger.js";
import type { Service } from "../runtime/service.js";
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
  /**
   * Replaces the GPU check (tests, rig mode). By default it runs in a short-lived inference worker started by
   * `workerLauncher`, so a GPU driver that crashes ends that process, not this one.
   */
  probeCompute?: () => Promise<ComputeFacts>;
  /** How long the default GPU check may take before the engine gives up on it and runs on the CPU. */
  computeProbeTimeoutMs?: number;
  /** Settings that win over the config file for this run (command-line flags). */
  overrides?: (config: Config) => void;
  telemetryIntervalMs?: number;
  /** OS keychain for "remember the wallet on this device": Electron passes deviceSecretStoreFromSafeStorage(safeStorage). */
  deviceSecretStore?: DeviceSecretStore;
  /** Opens a folder in the OS file manager (Electron passes shell.openPath); headless engines return the path instead. */
  openPath?: (path: string) => Promise<string>;
  /** The relay miner as pause/resume sees it; without it availability is reported but nothing is paused. */
  servingControl?: ServingControl;
  /** Fleet timings (tests): how often nodes are asked for their state, how long one may take to start answering. */
  fleet?: { pollIntervalMs?: number; firstByteTimeoutMs?: number; name?: string; onReceived?: (request: ReceivedRequest) => void };
  /** The mDNS socket of LAN sharing and fleet discovery (tests use another port than 5353 so concurrent runs do not see each other). */
  mdns?: { port?: number; interface?: string };
  /** Lets the remote catalog be a local http:// URL (development and tests only; users get public https only). */
  allowLoopbackCatalog?: boolean;
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
  /** Inference: one worker per GPU in rig mode, one worker otherwise; the same backend interface either way. */
  readonly inference: InferencePool;
  readonly wallet: WalletService;
  readonly models: ModelService;
  /** Serving installed models to LAN peers, finding peers, and which peers a download may use. */
  readonly sharing: SharingService;
  /** Alerts that need the user (OS notifications on the desktop). */
  readonly alerts: AlertCenter;
  /** Serves always, while the user is away, or on a schedule; the desktop reports presence to it. */
  readonly availability: AvailabilityController;
  /** Null until the relay miner is connected. */
  readonly serving: ServingControl | null;
  readonly relayMiner: RelayMinerService;
  /** The fleet: front node (routes relays and local requests over nodes), inference node, or off. */
  readonly fleet: FleetService;
  /** What the relay miner's in-process backend calls for a relay: the fleet's router on a front node, this engine otherwise. */
  relayHandler(options?: { byom?: boolean }): (req: IncomingMessage, res: ServerResponse) => void;
  /** The availability, desktop, update and rig settings as saved now (changes arrive as settings.changed). */
  appSettings(): AppSettings;
  /** The updater's state for the API: "unmanaged" (headless) until the desktop shell attaches its updater. */
  readonly updates: UpdateCenter;
  /** The effective settings of this run (config file plus overrides). */
  readonly settings: Config;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

/** The composition root. Nothing else in the engine constructs a service. */
export function createCore(options: CoreOptions): Core {
  const startedAt = Date.now();
  const layout = dataDirLayout(options.dataDir);
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  // Keys, the ledger and logs are the owner's alone, including what earlier versions wrote 0644/0755.
  tightenPermissions(options.dataDir);
  const events = new EventBus();
  const logs = new LogSink({
    dir: layout.logs,
    console: options.logToConsole,
    onEntry: (entry) => events.emit("log.entry", entry),
  });
  const logger = logs.logger("app");
  const config = new ConfigStore(options.dataDir, logger);
  const settings = config.get();
  options.overrides?.(settings);

  let liveSettings = appSettingsOf(settings);
  const alerts = new AlertCenter({ emit: (alert) => events.emit("alerts.raised", alert), logger: logs.logger("alerts") });
  const ledger = new Ledger({
    path: layout.ledger,
    onError: (error) => logs.logger("ledger").error("ledger write failed", { error }),
  });
  const relayMiner = new RelayMinerService({
    ledger,
    logger: logs.logger("relayminer"),
    config: () => {
      const current = config.get();
      options.overrides?.(current);
      return current.relayMiner;
    },
    signer: () => wallet.relayResponseSigner(),
    // On a front node the fleet's router answers relays (it may still choose this engine); otherwise this engine does.
    inferenceHandler: ({ byom }) => relayHandler({ byom }),
    connect: async (metrics) =>
      connectMinerChain({
        // The network the chain service is connected to (the embedded localnet included).
        profile: chain.profile(),
        signerFor: (address) => wallet.directSigner(address),
        metrics,
        logger: logs.logger("chain"),
      }),
    emit: (event, payload) => events.emit(event, payload),
  });
  const serving = options.servingControl ?? relayMiner.serving;
  const availability = new AvailabilityController({
    serving,
    settings: () => liveSettings.availability,
    logger: logs.logger("availability"),
  });
  availability.onStatus((status) => events.emit("availability.status", status));
  // Relay miner outcomes that cost money reach the user as alerts (OS notifications on the desktop).
  events.on("miner.session", (event) => {
    const alert = alertForMinerSession(event);
    if (alert) alerts.raise(alert);
  });

  const updates = new UpdateCenter((status) => events.emit("updates.status", status));

  const heat = new GpuHeatMonitor();
  const baseLauncher = options.workerLauncher ?? new ForkWorkerLauncher();
  const hardwareLogger = logs.logger("hardware");
  const hardware = new HardwareService({
    logger: hardwareLogger,
    probeCompute:
      options.probeCompute ??
      (() => probeComputeInWorker({ launcher: baseLauncher, logger: hardwareLogger.child("gpu-check"), timeoutMs: options.computeProbeTimeoutMs })),
    onProbeFailed: (error) =>
      alerts.raise({
        kind: "gpu_check_failed",
        title: "GPU check failed: models run on the CPU",
        message: `PocketForge runs models on the CPU because ${error instanceof Error ? error.message : String(error)}. A GPU driver problem is the likely cause: update or reinstall the driver, then restart PocketForge.`,
        route: "dashboard",
      }),
    onSample: (sample) => {
      events.emit("hardware.telemetry", sample);
      const { maxGpuTemperatureC: maxC, resumeGpuTemperatureC: resumeC } = liveSettings.rig;
      reportGpuHeat(heat, alerts, sample, { maxC, resumeC });
      inference.observeTelemetry(sample, heat.hot());
      availability.observeTelemetry(sample, inference.status().activeRequests);
    },
    sampleIntervalMs: options.telemetryIntervalMs,
  });
  const inferenceLogger = logs.logger("inference");
  const inferenceUsage = new InferenceUsageStore(layout.inferenceUsage, inferenceLogger);
  const inference: InferencePool = new InferencePool({
    logger: inferenceLogger,
    openAi: { ...settings.openAi, apiKey: settings.openAiApiKey, route: (req, res, local) => fleet.route(req, res, "local", local) },
    stallMs: settings.rig.watchdogSeconds * 1000,
    plan: () => planWorkers(settings.rig.workers, hardware, inferenceLogger),
    observed: inferenceUsage.get(),
    createWorker: (device, slot) =>
      new WorkerSupervisor({
        logger: slot === 0 ? inferenceLogger : inferenceLogger.child(`worker${slot}`),
        launcher: new PinnedWorkerLauncher(baseLauncher, deviceEnvironment(device)),
        defaults: {
          ...(settings.inference.contextSize !== null ? { contextSize: settings.inference.contextSize } : {}),
          ...(settings.inference.parallelSequences !== null ? { parallelSequences: settings.inference.parallelSequences } : {}),
        },
        // Measured threads and the plan's memory for this model, and the request sizes the service has seen.
        tune: async (modelPath): Promise<LoadTuning> => ({
          ...inference.requestNeeds(),
          ...(await models.loadTuning(modelPath, planDeviceId(device)).catch((error) => {
            inferenceLogger.warn("no tuning for this model; using defaults", { modelPath, error });
            return {};
          })),
        }),
      }),
  });
  inference.onStatus((status) => events.emit("inference.status", status));
  let localOpenAiHandler: ReturnType<typeof createOpenAiHandler> | null = null;
  const localOpenAi = () => (localOpenAiHandler ??= createOpenAiHandler(inference, { logger: inferenceLogger }));
  let gpuNames: string[] | null = null;
  const localReport = (): NodeReport => {
    if (gpuNames === null) {
      gpuNames = [];
      // The devices the GPU check found (probed once at start); the CPU when none.
      void hardware.getInfo().then((info) => void (gpuNames = info.compute.deviceNames), () => {});
    }
    const status = inference.status();
    const ready = status.state === "ready" && status.model !== null;
    return {
      name: fleetName,
      kind: "local",
      state: status.state === "restarting" ? "loading" : status.state,
      models: ready ? [status.model!.name] : [],
      capacity: ready ? status.model!.parallelSequences : 0,
      active: status.activeRequests,
      queued: status.queuedRequests,
      gpus: gpuNames,
      tokensPerSecond: inference.metrics().tokensPerSecond,
    };
  };
  // A bring-your-own-model service's relays may name any model: this engine answers them with the model it serves, and
  // on a front node the router sends them to the fleet's default model (or any node's) instead of refusing them.
  const relayHandler = (options: { byom?: boolean } = {}) => {
    const byom = options.byom ?? false;
    const local = byom ? createOpenAiHandler(inference, { logger: inferenceLogger, unknownModel: "default" }) : localOpenAi();
    return (req: IncomingMessage, res: ServerResponse) => fleet.route(req, res, "relay", local, { byom });
  };
  const fleetName = (options.fleet?.name ?? hostname()).slice(0, 120) || "pocketforge";
  // The engine's one mDNS socket: model sharing announces its gateway on it and watches for peers; the fleet announces
  // its listener (front or inference node) and watches for the other role. Its id is sharing's peer id.
  const mdns = new MdnsPeers({
    logger: logs.logger("mdns"),
    ...options.mdns,
    identity: () => ({ id: sharing.peerId, name: fleetName.slice(0, 60) }),
  });
  const mdnsService: Service = { start: async () => {}, dispose: () => mdns.dispose() };
  const fleet = new FleetService({
    dataDir: options.dataDir,
    logger: logs.logger("fleet"),
    name: fleetName,
    tls: async () => {
      const tls = await loadOrCreateDashboardTls(options.dataDir);
      return { key: tls.key, cert: tls.cert, fingerprint256: tls.fingerprint256 };
    },
    localHandler: localOpenAi,
    localReport,
    emit: (status) => events.emit("fleet.status", status),
    confirmOpening: (passphrase) => confirmOpening(passphrase),
    pollIntervalMs: options.fleet?.pollIntervalMs,
    firstByteTimeoutMs: options.fleet?.firstByteTimeoutMs,
    onReceived: options.fleet?.onReceived,
    discovery: new MdnsFleetDiscovery(mdns),
  });
  inference.onWorkers((workers) => events.emit("rig.workers", { workers }));
  const wallet = new WalletService({
    dataDir: options.dataDir,
    logger: logs.logger("wallet"),
    emit: (event, snapshot) => events.emit(event, snapshot),
    deviceSecretStore: options.deviceSecretStore,
  });
  const modelPaths = new ModelPaths(options.dataDir);
  const models: ModelService = new ModelService({
    dataDir: options.dataDir,
    logger: logs.logger("models"),
    emit: (event, payload) => events.emit(event, payload),
    hardware,
    inference,
    allowLoopbackCatalog: options.allowLoopbackCatalog,
    // Downloads ask LAN peers first: the sharing service knows them and which CID they serve for a catalog model.
    lanOffer: (entry) => sharing.offer(entry),
  });
  const sharing: SharingService = new SharingService({
    dataDir: options.dataDir,
    logger: logs.logger("sharing"),
    library: models,
    emit: (status) => events.emit("sharing.status", status),
    mdns,
  });
  events.on("models.changed", () => sharing.modelsChanged());

  // On the localnet network the chain service starts the embedded chain (data in <dataDir>/localnet).
  const localnet = new LocalnetService({
    dataDir: layout.localnet,
    genesis: defaultLocalnetGenesis(settings.localnet.profile),
    logger: logs.logger("localnet"),
    client: (): ChainClient | undefined => chain.client,
    onTraffic: (stats) => events.emit("localnet.traffic", stats),
  });
  const chain = new ChainService({
    dataDir: options.dataDir,
    network: settings.network,
    saveNetwork: (network) => void config.update((c) => void (c.network = network)),
    localnet,
    logger: logs.logger("chain"),
    onBlock: (block) => events.emit("chain.block", block),
  });

  const preferences = new PreferencesStore(options.dataDir, logs.logger("preferences"));
  const price = new PriceFeed({ preferences: () => preferences.get(), emit: (p) => events.emit("price.changed", p), logger: logs.logger("price") });
  const staking = new StakingService({
    dataDir: options.dataDir,
    chain,
    wallet: {
      get operatorAddress() {
        return wallet.operatorAddress;
      },
      owner: () => wallet.snapshot().owner,
      directSigner: (address) => wallet.directSigner(address),
      operatorPublicKey: () => {
        const operator = wallet.listAccounts().find((account) => account.isOperator);
        return operator ? Buffer.from(operator.publicKeyHex, "hex") : null;
      },
    },
    miner: relayMiner,
    serveService: (serviceId) =>
      void config.update((c) => {
        if (!c.relayMiner.services.some((s) => s.serviceId === serviceId)) c.relayMiner.services.push({ serviceId, backend: { type: "inference" } });
      }),
    listenUrl: () => {
      const { host, port } = config.get().relayMiner.listen;
      return `http://${host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host}:${port}`;
    },
    emit: (progress) => events.emit("staking.tx", progress),
    proposedEndpoint: (): string | null => reach.proposedUrl(),
    logger: logs.logger("staking"),
  });
  // How gateways reach the relay miner: a router port mapping (opted into, never on localnet) or a tunnel.
  const reach = new ReachService({
    dataDir: options.dataDir,
    network: () => chain.networkName,
    relayListen: () => ({ ...config.get().relayMiner.listen }),
    stakedEndpoint: () => staking.publicUrl(),
    probe: (url) => staking.probe(url),
    alerts,
    emit: (status) => events.emit("reach.status", status),
    logger: logs.logger("reach"),
  });
  const ports = new PortsSettings({ config, effective: settings, relayMiner });
  // Opening a listener to other machines (ports, the LAN model gateway) asks for the wallet passphrase again.
  const confirmOpening = async (passphrase: string | undefined) => {
    if (!wallet.hasWallet) return;
    if (passphrase === undefined) {
      throw new ApiError("wrong_passphrase", "Opening a listener to other machines asks for the wallet passphrase", { reason: "passphrase_required" });
    }
    await wallet.confirmPassphrase(passphrase, "open a listener beyond loopback");
  };

  const info = (): Omit<AppInfo, "transport"> => ({
    name: "PocketForge",
    version: options.version,
    apiVersion: 1,
    platform: platform(),
    arch: arch(),
    dataDir: options.dataDir,
    // The chain service's current network, which chain.setNetwork can change at run time.
    network: chain.networkName,
    startedAt,
  });

  const closeLedger: Service = { start: async () => {}, dispose: async () => ledger.close() };
  // Started in this order, each group one step a window shows; disposed in reverse.
  const lastModel = settings.inference.modelPath;
  const startSteps: Array<{ id: string; label: string; services: Service[] }> = [
    { id: "wallet", label: "Opening the wallet and the ledger", services: [closeLedger, wallet] },
    { id: "hardware", label: "Probing the GPUs", services: [hardware] },
    { id: "workers", label: "Starting the inference workers", services: [inference, inferenceUsage.saver(() => inference.observedRequests())] },
    // After the workers: a front node routes to this engine too; before the miner, whose relays it routes.
    { id: "fleet", label: "Joining the fleet", services: [mdnsService, fleet] },
    { id: "models", label: "Reading the installed models", services: [models, sharing, availability] },
    { id: "chain", label: `Connecting to ${settings.network}`, services: [localnet, chain, price] },
    // After the chain: an auto-started miner connects to the network the chain service reached.
    { id: "miner", label: "Starting the relay miner", services: [relayMiner] },
    // Last: the router forwards the relay miner's port; disposed first, so the mapping goes before the miner stops.
    { id: "reach", label: "Mapping the relay port on the router", services: [reach] },
  ];
  const startup = new StartupProgress(
    [...startSteps, ...(lastModel ? [{ id: "model", label: "Loading the last model" }] : [])],
    (progress) => events.emit("app.startup", progress),
  );

  const handlers: ApiHandlers = {
    "app.startup": () => startup.snapshot(),
    ...followedBy(
      createAppHandlers({
      info,
      logs,
      folders: { data: layout.root, logs: layout.logs, models: layout.models.dir },
      openPath: options.openPath,
      ports,
      confirmOpening,
      diagnostics: () =>
        buildDiagnostics({
          sections: {
            app: () => info(),
            settings: () => config.get(),
            preferences: () => preferences.get(),
            hardware: () => hardware.getInfo(),
            inference: () => ({ status: inference.status(), workers: inference.workerStats(), metrics: inference.metrics() }),
            models: () => models.installed(),
            wallet: () => wallet.snapshot(),
            chain: () => chain.status(),
            relayMiner: () => ({ status: relayMiner.status(), metrics: relayMiner.metricsSnapshot() }),
            reach: () => reach.status(),
            logs: () => logs.tail(2000, "debug"),
          },
          // The dashboard's access token must never leave in a bundle, even inside a logged URL.
          secrets: () => {
            return existsSync(layout.accessToken) ? [readFileSync(layout.accessToken, "utf8").trim()] : [];
          },
        }),
      }),
      ["app.setPorts"],
      () => reach.relayListenChanged(),
    ),
    ...createPreferencesHandlers({ store: preferences, price, onChanged: (next) => events.emit("preferences.changed", next) }),
    // A stake or a new endpoint may settle a changed public address.
    ...followedBy(createStakingHandlers(staking, (passphrase, purpose) => wallet.confirmPassphrase(passphrase, purpose)), ["staking.stake", "staking.setEndpoint"], () =>
      reach.refreshStatus(),
    ),
    ...createFleetHandlers(fleet),
    ...createReachHandlers(reach, {
      confirmOpening,
      openRelayListener: async () => {
        const { host, port } = config.get().relayMiner.listen;
        if (isLoopbackHost(host)) await ports.update({ relay: { host: "0.0.0.0", port } });
      },
    }),
    ...createHardwareHandlers(hardware),
    ...createInferenceHandlers(
      inference,
      (requestId, delta) => events.emit("inference.token", { requestId, delta }),
      (modelPath) => config.update((c) => void (c.inference.modelPath = modelPath)),
      (path, context) => modelPaths.checkModelFile(path, context),
    ),
    ...createWalletHandlers(wallet),
    // Nothing is mapped on localnet: reachability follows the network, and the relay miner's port.
    // After a network switch the relay miner reconnects (its chain client pointed at the old network), and
    // reachability follows: nothing is mapped on localnet.
    ...followedBy(createChainHandlers(chain), ["chain.setNetwork"], async () => {
      await relayMiner.networkChanged();
      await reach.networkChanged();
    }),
    ...createLocalnetHandlers(localnet, chain),
    ...createModelHandlers(models, modelPaths),
    ...createSharingHandlers(sharing, confirmOpening),
    ...createAvailabilityHandlers(availability),
    ...createSettingsHandlers({
      config,
      alerts,
      onSettingsChanged: (next) => {
        liveSettings = next;
        availability.settingsChanged();
        events.emit("settings.changed", next);
      },
    }),
    ...createUpdateHandlers(updates),
    ...createRigHandlers(inference),
    ...createRelayMinerHandlers(relayMiner),
    ...createEarningsHandlers(ledger.earnings),
  };
  const router = new ApiRouter(handlers, logs.logger("api"), (method, context) => startup.admit(method, context));

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
    sharing,
    alerts,
    availability,
    serving,
    relayMiner,
    fleet,
    relayHandler,
    appSettings: () => liveSettings,
    updates,
    settings,
    async start() {
      logger.info("starting engine", { version: options.version, network: settings.network });
      try {
        for (const step of startSteps) {
          await startup.run(step.id, async () => {
            for (const service of step.services) {
              await service.start();
              started.push(service);
            }
          });
        }
      } catch (error) {
        startup.fail(error);
        throw error;
      }
      if (lastModel) {
        // A model that no longer loads must not stop the app from starting: the dashboard shows the error.
        await startup
          .run("model", () => inference.load({ modelPath: lastModel }), basename(lastModel))
          .catch((error) => logger.warn("could not load the last used model", { modelPath: lastModel, error }));
      }
      startup.finish();
    },
    async dispose() {
      for (const service of started.reverse()) {
        await service.dispose().catch((error) => logger.error("service failed to stop cleanly", { error }));
      }
      started = [];
      logger.info("engine stopped");
      // Log lines still queued for the file are written before the process may exit.
      await logs.flush();
    },
  };
}

/** Runs `then` after the named handlers succeed: a change one room makes that another room's state follows. */
function followedBy<H extends Record<string, (...args: any[]) => unknown>>(handlers: H, names: Array<keyof H>, then: () => unknown): H {
  const wrapped: Record<string, unknown> = { ...handlers };
  for (const name of names) {
    const handler = handlers[name];
    wrapped[name as string] = async (...args: unknown[]) => {
      const result = await handler(...args);
      await then();
      return result;
    };
  }
  return wrapped as H;
}

/** The rig's workers, from the compute backend and the devices it sees (probed once, shared with hardware.info). */
/** The fit plan's name for the device a worker is pinned to ("cpu", "gpu0", …). */
function planDeviceId(device: WorkerDevice): string {
  if (device.backend === "cpu") return "cpu";
  return `gpu${device.index ?? 0}`;
}

async function planWorkers(workers: AppSettings["rig"]["workers"], hardware: HardwareService, logger: Logger): Promise<WorkerDevice[]> {
  try {
    const { compute } = await hardware.getInfo();
    return planWorkerDevices(workers, compute);
  } catch (error) {
    // Without knowing the GPUs, pinning is guesswork: one unpinned worker still serves on whatever it finds.
    logger.warn("could not probe the GPUs; starting one inference worker", { error });
    return planWorkerDevices(1, { backend: "cpu", deviceNames: [], vramTotalBytes: null, advice: [] });
  }
}
