// Fleet throughput: a front node and two inference nodes, each a whole engine (createCore) with the tiny model, on
// loopback. Figures of one run: each engine's tokens/s measured directly at its own OpenAI endpoint (one at a time, as
// if each had the machine to itself, and all three at once), and the aggregate through the front node's endpoint with
// the same load. `npm run bench -- fleet`.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createCore, type Core } from "../electron/core/app/create-core.js";
import { parseResult, type MethodName, type MethodParams } from "../shared/api/index.js";
import { testModelPath } from "../test/fixtures/paths.js";
import { printRows, type BenchRow } from "./types.js";

const TOKENS = 64;
const SEQUENCES = 2;
const ROUNDS = 3;

function engine(name: string, dirs: string[]): Core {
  const dataDir = mkdtempSync(join(tmpdir(), `pf-bench-fleet-${name}-`));
  dirs.push(dataDir);
  return createCore({
    dataDir,
    version: "0.0.0-bench",
    probeCompute: async () => ({ backend: "cpu", deviceNames: [], vramTotalBytes: null }),
    telemetryIntervalMs: 3_600_000,
    fleet: { name, pollIntervalMs: 3_600_000 },
    overrides: (config) => {
      config.network = "beta";
      config.openAi.port = 0;
      config.relayMiner.listen.port = 0;
      config.relayMiner.metrics.port = 0;
      config.inference.modelPath = testModelPath();
      config.inference.contextSize = 512;
      config.inference.parallelSequences = SEQUENCES;
    },
  });
}

const call = async <M extends MethodName>(core: Core, method: M, params: MethodParams<M>) =>
  parseResult(method, await core.router.call(method, params, { transport: "internal" }));

async function stream(endpoint: string): Promise<number> {
  const response = await fetch(`${endpoint}/completions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ model: "stories260K", prompt: "Once upon a time", max_tokens: TOKENS, temperature: 0, stream: true, stream_options: { include_usage: true } }),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  const body = await response.text();
  const usage = body.split("\n\n").reverse().find((event) => event.includes('"usage":{'));
  if (!usage) throw new Error("stream ended without a usage chunk");
  return JSON.parse(usage.slice("data: ".length)).usage.completion_tokens as number;
}

/** Tokens per second of `streams` concurrent streamed completions spread round-robin over the endpoints. */
async function rate(endpoints: string[], streams: number): Promise<number> {
  const started = performance.now();
  const counts = await Promise.all(Array.from({ length: streams }, (_, i) => stream(endpoints[i % endpoints.length]!)));
  return (counts.reduce((a, b) => a + b, 0) * 1000) / (performance.now() - started);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]! ) / 2;
}

export async function benchFleet(): Promise<BenchRow[]> {
  const dirs: string[] = [];
  const front = engine("front", dirs);
  const nodes = [engine("nodeA", dirs), engine("nodeB", dirs)];
  try {
    await Promise.all([front, ...nodes].map((core) => core.start()));
    await call(front, "fleet.configure", { role: "front", listen: { host: "127.0.0.1", port: 0 } });
    for (const node of nodes) {
      await call(node, "fleet.configure", { role: "node", listen: { host: "127.0.0.1", port: 0 } });
      const pairing = await call(front, "fleet.createPairing", {});
      await call(node, "fleet.join", { frontUrl: pairing.frontUrl, code: pairing.code });
    }
    const endpointOf = async (core: Core) => (await call(core, "inference.status", {})).endpoint!;
    const frontEndpoint = await endpointOf(front);
    const nodeEndpoints = await Promise.all(nodes.map(endpointOf));
    const setFront = async (on: boolean) => {
      await call(front, "fleet.configure", { role: on ? "front" : "off" });
      if (on) await front.fleet.refresh();
    };
    // Warm every engine and path once.
    await setFront(false);
    await rate([frontEndpoint, ...nodeEndpoints], 3 * SEQUENCES);
    await setFront(true);
    await rate([frontEndpoint], 3 * SEQUENCES);

    const sumAlone: number[] = [];
    const together: number[] = [];
    const viaFront: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await setFront(false);
      let sum = 0;
      for (const endpoint of [frontEndpoint, ...nodeEndpoints]) sum += await rate([endpoint], SEQUENCES);
      sumAlone.push(sum);
      together.push(await rate([frontEndpoint, ...nodeEndpoints], 3 * SEQUENCES));
      await setFront(true);
      viaFront.push(await rate([frontEndpoint], 3 * SEQUENCES));
    }
    const ratio = median(viaFront.map((v, i) => v / sumAlone[i]!));
    const overhead = median(viaFront.map((v, i) => v / together[i]!));
    const served = (await call(front, "fleet.status", {})).nodes.map((n) => `${n.name}:${n.requests}`).join(" ");
    return [
      { name: "sum of the 3 engines, each measured alone", value: median(sumAlone), unit: "tok/s" },
      { name: "3 engines loaded directly at once", value: median(together), unit: "tok/s" },
      { name: `through the front node (${served})`, value: median(viaFront), unit: "tok/s" },
      { name: "front aggregate / sum measured alone", value: ratio, unit: "x", target: ">= 0.9 (one machine's cores shared by 3 engines here)", ok: ratio >= 0.9 },
      { name: "front aggregate / same load sent directly", value: overhead, unit: "x", target: ">= 0.9", ok: overhead >= 0.9 },
    ];
  } finally {
    await Promise.all([front, ...nodes].map((core) => core.dispose()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  printRows("bench fleet", await benchFleet());
}
