// Fleet throughput: a front node and two inference nodes, each a whole engine (createCore) with the tiny model, on
// loopback. In every round the same load (two streams per engine, each stream a few completions one after another) is
// sent once to the three engines' own OpenAI endpoints at once (each node measured directly) and once to the front
// node's endpoint, which spreads it over the fleet; the two phases alternate which goes first. Same engines, same
// threads, same concurrency, models warm, connections (the front node's TLS to its nodes included) open before
// measuring. `npm run bench -- fleet`.
//
// On one machine the three engines share its cores: an engine measured alone has every core to itself, so the sum of
// three "alone" figures counts the machine three times over. That sum is printed for information; the target compares
// the fleet with the nodes measured directly under the same load, which is what "each node measured directly" means
// when the nodes are separate machines.
import { mkdtempSync, rmSync } from "node:fs";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createCore, type Core } from "../electron/core/app/create-core.js";
import { parseResult, type MethodName, type MethodParams } from "../shared/api/index.js";
import { testModelPath } from "../test/fixtures/paths.js";
import { median, printRows, type BenchRow } from "./types.js";

const TOKENS = Number(process.env.PF_BENCH_FLEET_TOKENS ?? 200);
const SEQUENCES = 2;
/** Completions each stream sends one after another: a measured window of a few seconds, not a fraction of one. */
const REQUESTS_PER_STREAM = Number(process.env.PF_BENCH_FLEET_REQUESTS ?? 6);
const ROUNDS = Number(process.env.PF_BENCH_FLEET_ROUNDS ?? 7);

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

/**
 * Tokens per second of `endpoints.length` streams at once, stream i sending REQUESTS_PER_STREAM completions in turn to
 * endpoints[i]; also each distinct endpoint's own rate (its tokens over the time until its last stream ended).
 */
async function rate(endpoints: string[]): Promise<{ total: number; byEndpoint: Map<string, number>; cpuMsPerToken: number }> {
  const tokens = new Map<string, number>();
  const ended = new Map<string, number>();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    endpoints.map(async (endpoint) => {
      for (let i = 0; i < REQUESTS_PER_STREAM; i++) {
        const count = await stream(endpoint);
        tokens.set(endpoint, (tokens.get(endpoint) ?? 0) + count);
      }
      ended.set(endpoint, Math.max(ended.get(endpoint) ?? 0, performance.now()));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const byEndpoint = new Map([...tokens].map(([endpoint, count]) => [endpoint, (count * 1000) / (ended.get(endpoint)! - started)]));
  const used = process.cpuUsage(cpu);
  const count = [...tokens.values()].reduce((a, b) => a + b, 0);
  return { total: count / seconds, byEndpoint, cpuMsPerToken: (used.user + used.system) / 1000 / count };
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
    const engines = [frontEndpoint, ...nodeEndpoints];
    const threads = await Promise.all([front, ...nodes].map(async (core) => (await call(core, "inference.status", {})).model?.threads ?? 0));
    // Direct: two streams to each engine's own endpoint. Through the front node: the same six streams to its endpoint.
    const direct = engines.flatMap((endpoint) => Array.from({ length: SEQUENCES }, () => endpoint));
    const viaFrontLoad = direct.map(() => frontEndpoint);
    const setFront = async (on: boolean) => {
      await call(front, "fleet.configure", { role: on ? "front" : "off" });
      if (!on) return;
      await front.fleet.refresh();
      // The router's connections to its nodes are new after a role change: open them (TLS handshakes) before measuring,
      // as the direct phase measures over connections its client already holds.
      await Promise.all(viaFrontLoad.map(() => stream(frontEndpoint)));
    };
    // Warm every engine and path once.
    await setFront(false);
    await rate(direct);
    const alone: number[] = [];
    for (const endpoint of engines) alone.push((await rate(Array.from({ length: SEQUENCES }, () => endpoint))).total);
    await setFront(true);
    await rate(viaFrontLoad);

    const together: number[] = [];
    const perNode: number[][] = engines.map(() => []);
    const viaFront: number[] = [];
    const ratios: number[] = [];
    let served = "";
    // CPU of this process (the three engines' main threads, the front node's router and TLS, the load's client; the
    // inference workers are processes of their own) per generated token.
    const cpuDirect: number[] = [];
    const cpuFront: number[] = [];
    const measureDirect = async () => {
      await setFront(false);
      const r = await rate(direct);
      engines.forEach((endpoint, i) => perNode[i]!.push(r.byEndpoint.get(endpoint) ?? 0));
      cpuDirect.push(r.cpuMsPerToken);
      return r.total;
    };
    const measureFront = async () => {
      await setFront(true);
      const before = new Map((await call(front, "fleet.status", {})).nodes.map((n) => [n.id, n.requests]));
      const measured = await rate(viaFrontLoad);
      cpuFront.push(measured.cpuMsPerToken);
      const r = measured.total;
      served = (await call(front, "fleet.status", {})).nodes.map((n) => `${n.name} ${n.requests - (before.get(n.id) ?? 0)}`).join(", ");
      return r;
    };
    for (let round = 0; round < ROUNDS; round++) {
      let d: number;
      let f: number;
      if (round % 2 === 0) {
        d = await measureDirect();
        f = await measureFront();
      } else {
        f = await measureFront();
        d = await measureDirect();
      }
      together.push(d);
      viaFront.push(f);
      ratios.push(f / d);
    }
    const ratio = median(ratios);
    const names = ["front", "nodeA", "nodeB"];
    const spread = `rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
    return [
      { name: `cores here (threads per engine: ${threads.join(", ")}; ${ROUNDS} rounds of ${direct.length} streams x ${REQUESTS_PER_STREAM} x ${TOKENS} tokens)`, value: os.availableParallelism(), unit: "cores" },
      ...names.map((name, i) => ({ name: `${name} measured directly (the three at once)`, value: median(perNode[i]!), unit: "tok/s" })),
      { name: "sum of the nodes measured directly, at once", value: median(together), unit: "tok/s" },
      { name: `through the front node (requests per node, last round: ${served})`, value: median(viaFront), unit: "tok/s" },
      { name: `front aggregate / sum of the nodes measured directly (${spread})`, value: ratio, unit: "x", target: ">= 0.9", ok: ratio >= 0.9 },
      { name: "engines' main-thread CPU per token, the nodes loaded directly", value: median(cpuDirect), unit: "ms/token" },
      { name: "engines' main-thread CPU per token, through the front node", value: median(cpuFront), unit: "ms/token" },
      {
        name: "for information: sum of the engines each measured alone (each had every core of this one machine)",
        value: alone.reduce((a, b) => a + b, 0),
        unit: "tok/s",
      },
    ];
  } finally {
    await Promise.all([front, ...nodes].map((core) => core.dispose()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  printRows("bench fleet", await benchFleet());
}
