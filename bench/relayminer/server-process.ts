// The benchmark's server side, in its own process so the client's work does not share its event loop: an echo
// backend (plain HTTP) or the inference engine with its OpenAI endpoint, and a relay miner in front of it over the
// in-memory chain. Answers on IPC with where to send direct calls and relays.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { silentLogger } from "../../electron/core/runtime/logger.js";
import { WorkerSupervisor, OpenAiServer, createOpenAiHandler } from "../../electron/core/inference/index.js";
import { Ledger } from "../../electron/core/ledger/ledger.js";
import { HttpBackend } from "../../electron/core/relayminer/backend/http-backend.js";
import { InProcessBackend } from "../../electron/core/relayminer/backend/inprocess-backend.js";
import { RelayMinerMetrics } from "../../electron/core/relayminer/metrics.js";
import { createRelayPipeline } from "../../electron/core/relayminer/pipeline.js";
import type { ServiceRoute } from "../../electron/core/relayminer/relay-handler.js";
import { RelayServer } from "../../electron/core/relayminer/relay-server.js";
import type { ResponseSigner } from "../../electron/core/relayminer/response.js";
import { createRingChecker, type RingChecker } from "../../electron/core/relayminer/ring-checker.js";
import { FakeRelayChain, ManualBlocks, TEST_SERVICE_ID } from "../../test/fixtures/relayminer/chain.js";
import { signerOf } from "../../test/fixtures/relayminer/harness.js";
import { BENCH_APP, BENCH_HEIGHT, BENCH_OPERATOR, type ServerReady, type ServerRequest, type SkipCryptoRequest } from "./protocol.js";

/** SkipCryptoRequest's switch, read by the two wrappers below. */
let skipCrypto = false;

function switchableRingChecker(real: RingChecker): RingChecker {
  return {
    check: (signature, message, expectedKeys) => (skipCrypto ? Promise.resolve({ valid: true }) : real.check(signature, message, expectedKeys)),
    close: () => real.close(),
  };
}

function switchableSigner(real: ResponseSigner): ResponseSigner {
  const unsigned = new Uint8Array(64);
  return { address: real.address, signHash: (hash) => (skipCrypto ? unsigned : real.signHash(hash)) };
}

async function listenOn(server: ReturnType<typeof createServer>): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function main(request: ServerRequest): Promise<ServerReady> {
  let directUrl: string;
  let route: ServiceRoute;
  let model: string | null = null;
  let enginePid: number | null = null;
  if (request.mode === "echo") {
    // Answers like a small OpenAI completion: the request body back inside a JSON object.
    const echo = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = `{"object":"echo","echo":${JSON.stringify(Buffer.concat(chunks).toString("utf8"))},"usage":{"prompt_tokens":4,"completion_tokens":8}}`;
        res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) }).end(body);
      });
    });
    echo.keepAliveTimeout = 65_000;
    directUrl = await listenOn(echo);
    route = { serviceId: TEST_SERVICE_ID, backend: new HttpBackend(new URL(directUrl)), target: { baseUrl: new URL(directUrl) }, timeoutMs: 30_000, maxBodyBytes: 20_000_000 };
  } else {
    const inference = new WorkerSupervisor({ logger: silentLogger });
    await inference.load({ modelPath: request.modelPath!, contextSize: 512, parallelSequences: request.sequences ?? 4 });
    const openAi = new OpenAiServer({ backend: inference, logger: silentLogger, port: 0 });
    await openAi.start();
    directUrl = openAi.baseUrl!.replace(/\/v1$/, "");
    model = inference.status().model!.name;
    enginePid = inference.workerPid;
    route = { serviceId: TEST_SERVICE_ID, backend: new InProcessBackend(createOpenAiHandler(inference)), target: { baseUrl: new URL("http://inference.invalid/") }, timeoutMs: 120_000, maxBodyBytes: 20_000_000 };
  }

  const chain = new FakeRelayChain();
  chain.addApplication(BENCH_APP, 1_000_000_000_000_000n);
  chain.addSupplier(BENCH_OPERATOR);
  const blocks = new ManualBlocks(chain, BENCH_HEIGHT);
  const ledger = new Ledger({ path: ":memory:" });
  const metrics = new RelayMinerMetrics();
  const pipeline = createRelayPipeline({
    chain,
    blocks,
    signers: [switchableSigner(signerOf(BENCH_OPERATOR))],
    routes: new Map([[TEST_SERVICE_ID, route]]),
    ledger,
    metrics,
    ringChecker: switchableRingChecker(createRingChecker()),
    enableOverServicing: true,
  });
  const miner = new RelayServer({ host: "127.0.0.1", port: 0, maxBodyBytes: 20_000_000, handler: pipeline.handler, metrics, logger: silentLogger });
  await miner.start();
  const header = chain.sessionAt(BENCH_APP.address, TEST_SERVICE_ID, BENCH_HEIGHT).header!;
  return {
    minerUrl: miner.url!,
    directUrl,
    model,
    enginePid,
    header: { ...header, sessionStartBlockHeight: header.sessionStartBlockHeight.toString(), sessionEndBlockHeight: header.sessionEndBlockHeight.toString() },
  };
}

process.once("message", (request: ServerRequest) => {
  main(request).then(
    (ready) => {
      process.send!(ready);
      // A normal exit, so --cpu-prof writes its profile (PF_BENCH_PROFILE).
      process.once("SIGTERM", () => process.exit(0));
      // CPU time of this process (miner, backend and ring workers), for load-independent rates.
      process.on("message", (message: { type?: string }) => {
        if (message.type === "cpu") process.send!({ type: "cpu", micros: process.cpuUsage().user + process.cpuUsage().system });
        if (message.type === "skip-crypto") {
          skipCrypto = (message as SkipCryptoRequest).skip;
          process.send!({ type: "skip-crypto" });
        }
      });
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
});
