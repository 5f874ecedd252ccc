// Relay miner overhead, measured against the same backend called directly (`npx tsx bench/relayminer.ts` or
// `npm run bench -- relayminer`):
//  - echo backend: round-trip latency p50/p99 at concurrency 1, 8 and 64, and relays/s;
//  - the tiny model: completion tokens/s through relays vs the OpenAI endpoint, then as diagnostics (no ratio target)
//    the same beside relays with the miner's ring check and response signature skipped, and with the engine pinned
//    to one core.
// The miner and the backends run in a child process (bench/relayminer/server-process.ts) over the in-memory
// chain; this process only sends pre-signed relays (a gateway's signing is not the miner's cost).
import { execFileSync, fork, type ChildProcess } from "node:child_process";
import { Agent } from "node:http";
import { cpus } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { POKTHTTPResponse } from "../electron/core/pokt/proto/http.js";
import { RelayResponse } from "../electron/core/pokt/proto/service.js";
import type { SessionHeader } from "../electron/core/pokt/proto/session.js";
import { postBytes } from "../test/fixtures/http-post.js";
import { testModelPath } from "../test/fixtures/paths.js";
import { signedRelayRequest } from "../test/fixtures/relayminer/relays.js";
import { BENCH_APP, BENCH_OPERATOR, type ServerReady, type ServerRequest, type SkipCryptoRequest } from "./relayminer/protocol.js";
import { printRows, type BenchRow } from "./types.js";

const CONCURRENCIES = [1, 8, 64] as const;
const REQUESTS: Record<number, number> = { 1: 1500, 8: 1200, 64: 2400 };
/** Relays before measuring: V8 optimises the relay path's functions only after a few hundred calls. */
const WARM_UP = 1000;
const ROUNDS = 3;
const SIGNED_POOL = 128;
/**
 * Rounds per completion length, each a direct and a relayed batch of 32 completions in alternating order. A 64-token
 * batch lasts under a second, no longer than the bursts of other work on a shared machine: single rounds' ratios
 * spread from 0.7 to 1.3 and the median of 7 moved between 0.74 and 0.96 across runs of the same code. More rounds
 * (the same requests, the same order rule) narrow that spread; they do not move its centre.
 */
const MODEL_ROUNDS: Record<number, number> = { 64: 21, 256: 7 };
const MODEL_SEQUENCES = 4;
/**
 * Completion lengths compared. The 260K-parameter test model writes ~600 tokens/s per sequence, so four concurrent
 * 64-token completions finish one every ~23 ms. The engine's worker takes one core (defaultThreads leaves the other);
 * a relay costs the server ~1.4-2.3 ms more CPU than a direct call under this load (libsecp256k1's ring check and
 * response signature ~0.4-0.5 ms of it, the rest decoding, encoding, mining, metrics and GC), and on a machine whose
 * other core is busy too that time comes out of the engine's: the engine then runs slower per sequence while as many
 * sequences stay busy as with direct calls. Concurrency hides a relay's latency, not its CPU. 256 tokens is a short
 * chat answer.
 */
const MODEL_TOKENS = [64, 256] as const;
/**
 * One-token completions sent down each path before the model comparison, the same number on both. The model runs in
 * a fresh server process, and 32 warm-up completions left the relay path's JavaScript (decode, verify, sign, mine:
 * several times the direct path's code) on V8's unoptimised tiers for most of the measured rounds: ~0.7 ms more CPU
 * per relay than once optimised, as the echo rows' warm-up reasoning predicts. A miner in service runs optimised code.
 */
const MODEL_JIT_WARM_UP = 1000;
/**
 * Rounds of 64-token completions once the engine's process is pinned to one core (Linux), after the rows above. The
 * test model's weights and cache fit a core's L2 and a decoding step takes ~1 ms, so where the scheduler puts the
 * engine's two threads (its JavaScript thread and the evaluating one wake each other every step) moves its tokens/s
 * by 30-50 % on a 2-core virtual machine, on both paths alike; a real model's step is tens of milliseconds and
 * barely notices. The row shows how much of the spread of the rows above is placement, not the relay.
 */
const PINNED_ROUNDS = 11;

export interface Server {
  ready: ServerReady;
  header: SessionHeader;
  /** CPU microseconds the server process has used so far. */
  cpu(): Promise<number>;
  /** Skips or runs the miner's ring check and response signature from now on (SkipCryptoRequest). */
  skipCrypto(skip: boolean): Promise<void>;
  stop(): void;
}

export async function startServer(request: ServerRequest): Promise<Server> {
  const child: ChildProcess = fork(fileURLToPath(new URL("./relayminer/server-process.ts", import.meta.url)), [], {
    // PF_BENCH_PROFILE=<dir> writes a V8 CPU profile of the miner's process there (what the closing notes quote).
    execArgv: ["--import", "tsx", ...(process.env.PF_BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.PF_BENCH_PROFILE}`] : [])],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = await new Promise<ServerReady>((resolve, reject) => {
    child.once("message", (message) => resolve(message as ServerReady));
    child.once("exit", (code) => reject(new Error(`benchmark server exited with ${code}`)));
    child.send(request);
  });
  const header: SessionHeader = {
    ...ready.header,
    sessionStartBlockHeight: BigInt(ready.header.sessionStartBlockHeight),
    sessionEndBlockHeight: BigInt(ready.header.sessionEndBlockHeight),
  };
  /** Sends `message` and resolves with the server's reply of the same type (one ask of a type at a time). */
  const ask = <T,>(message: { type: string; [field: string]: unknown }) =>
    new Promise<T>((resolve) => {
      const onMessage = (reply: { type?: string }) => {
        if (reply.type !== message.type) return;
        child.off("message", onMessage);
        resolve(reply as T);
      };
      child.on("message", onMessage);
      child.send(message);
    });
  const cpu = () => ask<{ micros: number }>({ type: "cpu" }).then((reply) => reply.micros);
  const skipCrypto = (skip: boolean) => ask({ type: "skip-crypto", skip } satisfies SkipCryptoRequest).then(() => undefined);
  // SIGTERM lets a profiled server write its profile on the way out (the server exits on it).
  return { ready, header, cpu, skipCrypto, stop: () => child.kill(process.env.PF_BENCH_PROFILE ? "SIGTERM" : "SIGKILL") };
}

function post(agent: Agent, url: string, body: Uint8Array, contentType: string): Promise<Buffer> {
  return postBytes(url, body, agent, { "Content-Type": contentType });
}

/** The backend's reply inside a relay response; throws on a RelayMinerError. */
function relayedBody(reply: Buffer): Uint8Array {
  const response = RelayResponse.decode(reply);
  if (response.relayMinerError) throw new Error(`relay refused: ${response.relayMinerError.message}`);
  return POKTHTTPResponse.decode(response.payload).bodyBz;
}

/** Runs `count` calls at `concurrency`; returns each call's latency (ms) and the wall time. */
async function load(count: number, concurrency: number, call: (i: number) => Promise<unknown>): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await call(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, wallMs: performance.now() - started };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function median(values: number[]): number {
  return percentile(values, 0.5);
}

const round2 = (n: number) => Math.round(n * 100) / 100;

async function benchEcho(): Promise<BenchRow[]> {
  const server = await startServer({ mode: "echo" });
  const rows: BenchRow[] = [];
  try {
    const bodies = Array.from({ length: SIGNED_POOL }, (_, i) =>
      JSON.stringify({ model: "echo", messages: [{ role: "user", content: `Tell me a story, number ${i}.` }] }),
    );
    const relays = bodies.map(
      (body) => signedRelayRequest({ header: server.header, operatorAddress: BENCH_OPERATOR.address, signer: BENCH_APP, url: "http://supplier.example/v1/chat/completions", body }).bytes,
    );
    const encoded = bodies.map((b) => Buffer.from(b));
    const directUrl = `${server.ready.directUrl}/v1/chat/completions`;
    for (const concurrency of CONCURRENCIES) {
      const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
      const direct = (i: number) => post(agent, directUrl, encoded[i % SIGNED_POOL], "application/json");
      const relayed = (i: number) => post(agent, server.ready.minerUrl, relays[i % SIGNED_POOL], "application/json").then(relayedBody);
      // Warm-up: JIT, keep-alive sockets, the miner's session and ring caches.
      await load(WARM_UP, concurrency, direct);
      await load(WARM_UP, concurrency, relayed);
      const tallies = { direct: [] as number[], relayed: [] as number[], directRate: [] as number[], relayRate: [] as number[] };
      let relayCpuMicros = 0;
      let relayCount = 0;
      const perRound = Math.ceil(REQUESTS[concurrency] / ROUNDS);
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate the order so that drift on a shared machine hits both paths alike.
        for (const path of round % 2 === 0 ? (["direct", "relayed"] as const) : (["relayed", "direct"] as const)) {
          const cpuBefore = path === "relayed" ? await server.cpu() : 0;
          const result = await load(perRound, concurrency, path === "direct" ? direct : relayed);
          if (path === "relayed") {
            relayCpuMicros += (await server.cpu()) - cpuBefore;
            relayCount += perRound;
          }
          tallies[path].push(...result.latencies);
          tallies[path === "direct" ? "directRate" : "relayRate"].push((perRound * 1000) / result.wallMs);
        }
      }
      agent.destroy();
      const p50Direct = median(tallies.direct);
      const p50Relay = median(tallies.relayed);
      const added = p50Relay - p50Direct;
      rows.push(
        { name: `echo c=${concurrency}: direct p50 / p99`, value: round2(p50Direct), unit: `ms / ${round2(percentile(tallies.direct, 0.99))} ms` },
        { name: `echo c=${concurrency}: via miner p50 / p99`, value: round2(p50Relay), unit: `ms / ${round2(percentile(tallies.relayed, 0.99))} ms` },
      );
      if (concurrency === 1) rows.push({ name: "echo c=1: added p50 latency", value: round2(added), unit: "ms", target: "< 1", ok: added < 1 });
      const rate = median(tallies.relayRate);
      rows.push(
        {
          name: `echo c=${concurrency}: server CPU per relay (miner + echo)`,
          value: round2(relayCpuMicros / relayCount / 1000),
          unit: "ms",
          ...(concurrency === 64 ? { target: "<= 1", ok: relayCpuMicros / relayCount / 1000 <= 1 } : {}),
        },
        { name: `echo c=${concurrency}: direct calls/s`, value: Math.round(median(tallies.directRate)), unit: "calls/s" },
        {
          name: `echo c=${concurrency}: relays/s`,
          value: Math.round(rate),
          unit: "relays/s",
          ...(concurrency === 64 ? { target: ">= 1000", ok: rate >= 1000 } : {}),
        },
      );
    }
  } finally {
    server.stop();
  }
  return rows;
}

async function benchModel(): Promise<BenchRow[]> {
  const server = await startServer({ mode: "model", modelPath: testModelPath(), sequences: MODEL_SEQUENCES });
  try {
    const rows: BenchRow[] = [];
    await warmModelPaths(server);
    for (const maxTokens of MODEL_TOKENS) rows.push(...(await benchModelTokens(server, maxTokens)));
    // 64-token rounds again, each also sending the relays with the miner's ring check and response signature skipped:
    // the ratio the relay path would reach if those cost nothing, i.e. how much of the gap to 0.95 faster
    // cryptography could close, measured in the same rounds as the full path's.
    rows.push(...(await benchModelTokens(server, 64, { cryptoSkipped: true })));
    const engine = server.ready.enginePid;
    if (engine !== null && pinToOneCore(engine)) {
      rows.push(...(await benchModelTokens(server, 64, { rounds: PINNED_ROUNDS, pinned: true })));
    } else {
      console.log("bench relayminer: the rounds with the engine pinned to one core are left out (they need Linux, taskset and 2+ CPUs)");
    }
    return rows;
  } finally {
    server.stop();
  }
}

/** The same completion request, `count` of them, as direct calls and as signed relays. */
function modelCalls(server: Server, agent: Agent, maxTokens: number, count: number, onTokens: (path: "direct" | "relayed", i: number, tokens: number) => void) {
  const model = server.ready.model!;
  const body = (i: number) => JSON.stringify({ model, prompt: "Once upon a time", max_tokens: maxTokens, temperature: 0, user: `bench-${i}` });
  const bodies = Array.from({ length: count }, (_, i) => Buffer.from(body(i)));
  const relays = bodies.map(
    (b) => signedRelayRequest({ header: server.header, operatorAddress: BENCH_OPERATOR.address, signer: BENCH_APP, url: "http://supplier.example/v1/completions", body: b }).bytes,
  );
  const tokensOf = (json: Uint8Array) => JSON.parse(new TextDecoder().decode(json)).usage.completion_tokens as number;
  return {
    count,
    direct: (i: number) =>
      post(agent, `${server.ready.directUrl}/v1/completions`, bodies[i % count], "application/json").then((b) => onTokens("direct", i % count, tokensOf(b))),
    relayed: (i: number) => post(agent, server.ready.minerUrl, relays[i % count], "application/json").then((b) => onTokens("relayed", i % count, tokensOf(relayedBody(b)))),
  };
}

/** MODEL_JIT_WARM_UP one-token completions down each path (JIT, sockets, the miner's caches). */
async function warmModelPaths(server: Server): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: MODEL_SEQUENCES });
  const calls = modelCalls(server, agent, 1, SIGNED_POOL, () => {});
  await load(MODEL_JIT_WARM_UP, MODEL_SEQUENCES, calls.direct);
  await load(MODEL_JIT_WARM_UP, MODEL_SEQUENCES, calls.relayed);
  agent.destroy();
}

/** Pins every thread of `pid` to the last CPU with util-linux's taskset; false where that cannot be done. */
function pinToOneCore(pid: number): boolean {
  const count = cpus().length;
  if (process.platform !== "linux" || count < 2) return false;
  try {
    execFileSync("taskset", ["--all-tasks", "--cpu-list", "--pid", String(count - 1), String(pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** A model round's ways to the engine: a direct call, a relay, a relay with the miner's cryptography skipped. */
type ModelPath = "direct" | "relayed" | "unsigned";

async function benchModelTokens(server: Server, maxTokens: number, options: { rounds?: number; pinned?: boolean; cryptoSkipped?: boolean } = {}): Promise<BenchRow[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: MODEL_SEQUENCES });
  let tokens = 0;
  const generated = { direct: new Map<number, Set<number>>(), relayed: new Map<number, Set<number>>() };
  const calls = modelCalls(server, agent, maxTokens, MODEL_SEQUENCES * 8, (path, i, n) => {
    tokens += n;
    const seen = generated[path].get(i) ?? new Set<number>();
    generated[path].set(i, seen.add(n));
  });
  const { count } = calls;
  // The server process's CPU per call (relay miner and OpenAI handler; the engine's worker process is not in it):
  // with the engine taking a core and other work the rest, what a relay costs beyond a direct call is taken from
  // the engine, so these rows explain the ratio with far less noise than the ratio itself has.
  const cpuMicros: Record<ModelPath, number> = { direct: 0, relayed: 0, unsigned: 0 };
  const rate = async (path: ModelPath) => {
    tokens = 0;
    if (path === "unsigned") await server.skipCrypto(true);
    try {
      const cpuBefore = await server.cpu();
      const { wallMs } = await load(count, MODEL_SEQUENCES, path === "direct" ? calls.direct : calls.relayed);
      cpuMicros[path] += (await server.cpu()) - cpuBefore;
      return (tokens * 1000) / wallMs;
    } finally {
      if (path === "unsigned") await server.skipCrypto(false);
    }
  };
  // Each round runs every path once, in an order that rotates round by round.
  const paths: ModelPath[] = options.cryptoSkipped ? ["direct", "relayed", "unsigned"] : ["direct", "relayed"];
  for (const path of paths) await rate(path);
  for (const path of paths) cpuMicros[path] = 0;
  const rounds = options.rounds ?? MODEL_ROUNDS[maxTokens] ?? 7;
  const rates: Record<ModelPath, number[]> = { direct: [], relayed: [], unsigned: [] };
  const ratios: Record<ModelPath, number[]> = { direct: [], relayed: [], unsigned: [] };
  for (let round = 0; round < rounds; round++) {
    const measured = new Map<ModelPath, number>();
    for (let k = 0; k < paths.length; k++) {
      const path = paths[(k + round) % paths.length]!;
      measured.set(path, await rate(path));
    }
    for (const [path, value] of measured) {
      rates[path].push(value);
      ratios[path].push(value / measured.get("direct")!);
    }
  }
  agent.destroy();
  // Request index → the completion token counts it got, on each path; the rates compare like with like only if equal.
  const counts = (path: "direct" | "relayed") => [...generated[path]].sort(([a], [b]) => a - b).map(([i, n]) => `${i}:${[...n].sort((a, b) => a - b).join("/")}`).join(" ");
  const sameCompletions = counts("direct") === counts("relayed");
  const meanTokens = (path: "direct" | "relayed") => {
    const all = [...generated[path].values()].flatMap((n) => [...n]);
    return all.reduce((a, b) => a + b, 0) / all.length;
  };
  const ratio = median(ratios.relayed);
  const variant = options.pinned ? ", engine pinned to one core" : options.cryptoSkipped ? ", with and without the miner's ring check and signature" : "";
  const label = `tiny model, ${maxTokens}-token completions, ${MODEL_SEQUENCES} concurrent${variant}`;
  const cpuPerCall = (path: ModelPath) => round2(cpuMicros[path] / (rounds * count) / 1000);
  const rows: BenchRow[] = [
    { name: `${label}: direct OpenAI HTTP`, value: Math.round(median(rates.direct)), unit: "tok/s" },
    { name: `${label}: through relays`, value: Math.round(median(rates.relayed)), unit: "tok/s" },
    {
      name: `${label}: completion tokens per relay`,
      value: round2(meanTokens("relayed")),
      unit: `tok (direct: ${round2(meanTokens("direct"))})`,
      target: "each request as many as direct",
      ok: sameCompletions,
    },
    // The target is on the engine and the miner as the app runs them; the variants explain it (no target).
    options.pinned || options.cryptoSkipped
      ? { name: `${label}: relays / direct`, value: round2(ratio), unit: "x" }
      : { name: `${label}: relays / direct`, value: round2(ratio), unit: "x", target: ">= 0.95", ok: ratio >= 0.95 },
    { name: `${label}: server CPU per direct call`, value: cpuPerCall("direct"), unit: "ms" },
    { name: `${label}: server CPU per relay`, value: cpuPerCall("relayed"), unit: "ms" },
  ];
  if (options.cryptoSkipped) {
    rows.push(
      { name: `${label}: relays without them / direct`, value: round2(median(ratios.unsigned)), unit: "x" },
      { name: `${label}: server CPU per relay without them`, value: cpuPerCall("unsigned"), unit: "ms" },
    );
  }
  return rows;
}

export async function benchRelayminer(): Promise<BenchRow[]> {
  return [...(await benchEcho()), ...(await benchModel())];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  printRows("bench relayminer", await benchRelayminer());
}
