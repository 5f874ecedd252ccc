// Streamed relays against the same generation streamed directly (`npx tsx bench/streaming.ts` or
// `npm run bench -- streaming`), with the tiny model behind the OpenAI endpoint (direct) and behind the relay miner
// (relayed, docs/protocol.md §12), both in one server process, measured in the same run:
//  - time to first token: from sending the request to the first chunk of text the client can show, through a
//    streamed relay minus directly (pairs of requests, one after the other, medians of the differences);
//  - completion tokens/s through streamed relays ÷ directly streamed, 4 concurrent requests, with the CPU time per
//    token of the server process (relay miner and OpenAI endpoint; the model runs in its worker process) and of this
//    process (the gateway's reading: a signature check of ~1–2 ms per batch) on each path.
// The relayed side reads like a gateway: every batch's signature and payload hash checked, the completion parsed
// across batches (the localnet's relay client). Relays are signed beforehand: a gateway's signing is not the miner's
// cost.
import { pathToFileURL } from "node:url";
import { CompletionStream } from "../electron/core/localnet/traffic/completion-stream.js";
import { postRelay, type RelayTarget } from "../electron/core/localnet/traffic/relay-client.js";
import { SseParser } from "../electron/core/pokt/stream/index.js";
import { testModelPath } from "../test/fixtures/paths.js";
import { signedRelayRequest } from "../test/fixtures/relayminer/relays.js";
import { startServer, type Server } from "./relayminer.js";
import { BENCH_APP, BENCH_OPERATOR } from "./relayminer/protocol.js";
import { median, printRows, type BenchRow } from "./types.js";

const SEQUENCES = 4;
const TTFT_ROUNDS = 21;
/** Long enough that the first batch is cut by the 100 ms / 100-line rule, not by the end of the answer. */
const TTFT_TOKENS = 256;
const RATE_ROUNDS = 5;
const RATE_TOKENS = 256;
/** pocket-relay-miner batches for 100 ms: the added time to first token is mostly that. */
const TTFT_TARGET_MS = 150;

interface Streamed {
  firstTokenMs: number;
  totalMs: number;
  completionTokens: number;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

function completionBody(model: string, maxTokens: number, i: number): string {
  return JSON.stringify({ model, prompt: "Once upon a time", max_tokens: maxTokens, temperature: 0, stream: true, stream_options: { include_usage: true }, user: `bench-${i}` });
}

/** One completion streamed straight from the OpenAI endpoint, read as the relayed one is read. */
async function direct(server: Server, body: string): Promise<Streamed> {
  const started = performance.now();
  const response = await fetch(`${server.ready.directUrl}/v1/completions`, { method: "POST", headers: { "Content-Type": "application/json" }, body });
  if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status}`);
  const parser = new SseParser();
  const completion = new CompletionStream("text/event-stream");
  let firstTokenMs: number | undefined;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    for (const event of parser.push(chunk)) if (completion.event(event)) firstTokenMs ??= performance.now() - started;
  }
  if (!completion.done || firstTokenMs === undefined) throw new Error("the direct stream ended early");
  return { firstTokenMs, totalMs: performance.now() - started, completionTokens: completion.usage!.completionTokens! };
}

/** The same completion through a pre-signed streamed relay, every batch verified. */
async function relayed(server: Server, target: RelayTarget, request: Uint8Array): Promise<Streamed> {
  const started = performance.now();
  const outcome = await postRelay(target, request, 60_000, {}, started);
  if (!outcome.ok) throw new Error(`relay failed: ${outcome.reason}: ${outcome.detail}`);
  if (!outcome.stream || outcome.stream.firstTokenMs === null) throw new Error("the relay was not answered as a stream");
  return { firstTokenMs: outcome.stream.firstTokenMs, totalMs: outcome.latencyMs, completionTokens: outcome.stream.usage!.completionTokens! };
}

export async function benchStreaming(): Promise<BenchRow[]> {
  const server = await startServer({ mode: "model", modelPath: testModelPath(), sequences: SEQUENCES });
  try {
    const model = server.ready.model!;
    const target: RelayTarget = {
      header: server.header,
      supplierOperatorAddress: BENCH_OPERATOR.address,
      endpointUrl: server.ready.minerUrl,
      rpcType: 4,
      supplierPublicKey: BENCH_OPERATOR.publicKey,
    };
    const sign = (body: string) =>
      signedRelayRequest({ header: server.header, operatorAddress: BENCH_OPERATOR.address, signer: BENCH_APP, url: "http://supplier.example/v1/completions", body }).bytes;

    // Time to first token: one request at a time, direct and relayed back to back, the order alternating.
    const ttftRelays = Array.from({ length: TTFT_ROUNDS + 2 }, (_, i) => sign(completionBody(model, TTFT_TOKENS, i)));
    await direct(server, completionBody(model, TTFT_TOKENS, -1));
    await relayed(server, target, ttftRelays[TTFT_ROUNDS + 1]!);
    const directTtft: number[] = [];
    const relayedTtft: number[] = [];
    const added: number[] = [];
    for (let round = 0; round < TTFT_ROUNDS; round++) {
      const body = completionBody(model, TTFT_TOKENS, round);
      const first = round % 2 === 0;
      const a = first ? await direct(server, body) : await relayed(server, target, ttftRelays[round]!);
      const b = first ? await relayed(server, target, ttftRelays[round]!) : await direct(server, body);
      const [d, r] = first ? [a, b] : [b, a];
      directTtft.push(d.firstTokenMs);
      relayedTtft.push(r.firstTokenMs);
      added.push(r.firstTokenMs - d.firstTokenMs);
    }

    // Throughput: SEQUENCES concurrent streams per path, rounds alternating.
    const rateRelays = Array.from({ length: SEQUENCES * 2 }, (_, i) => sign(completionBody(model, RATE_TOKENS, 1000 + i)));
    interface Round {
      rate: number;
      serverMicrosPerToken: number;
      clientMicrosPerToken: number;
    }
    const rate = async (run: (i: number) => Promise<Streamed>): Promise<Round> => {
      const serverBefore = await server.cpu();
      const clientBefore = process.cpuUsage();
      const started = performance.now();
      const results = await Promise.all(Array.from({ length: SEQUENCES * 2 }, (_, i) => run(i)));
      const wallMs = performance.now() - started;
      const client = process.cpuUsage(clientBefore);
      const tokens = results.reduce((sum, r) => sum + r.completionTokens, 0);
      return {
        rate: (tokens * 1000) / wallMs,
        serverMicrosPerToken: ((await server.cpu()) - serverBefore) / tokens,
        clientMicrosPerToken: (client.user + client.system) / tokens,
      };
    };
    const viaDirect = (i: number) => direct(server, completionBody(model, RATE_TOKENS, 1000 + i));
    const viaRelay = (i: number) => relayed(server, target, rateRelays[i]!);
    await rate(viaDirect);
    await rate(viaRelay);
    const directRounds: Round[] = [];
    const relayRounds: Round[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < RATE_ROUNDS; round++) {
      const first = round % 2 === 0;
      const a = await rate(first ? viaDirect : viaRelay);
      const b = await rate(first ? viaRelay : viaDirect);
      const [d, r] = first ? [a, b] : [b, a];
      directRounds.push(d);
      relayRounds.push(r);
      ratios.push(r.rate / d.rate);
    }
    const cpu = (rounds: Round[], key: "serverMicrosPerToken" | "clientMicrosPerToken") => round1(median(rounds.map((r) => r[key])));

    const addedTtft = median(added);
    const ratio = median(ratios);
    return [
      { name: `time to first token, direct stream (${TTFT_TOKENS}-token completions)`, value: round1(median(directTtft)), unit: "ms" },
      { name: "time to first token, streamed relay", value: round1(median(relayedTtft)), unit: "ms" },
      { name: "added time to first token (relay − direct, same run)", value: round1(addedTtft), unit: "ms", target: `<= ${TTFT_TARGET_MS}`, ok: addedTtft <= TTFT_TARGET_MS },
      { name: `tokens/s, direct streams (${RATE_TOKENS} tokens, ${SEQUENCES * 2} requests, ${SEQUENCES} sequences)`, value: Math.round(median(directRounds.map((r) => r.rate))), unit: "tok/s" },
      { name: "tokens/s, streamed relays", value: Math.round(median(relayRounds.map((r) => r.rate))), unit: "tok/s" },
      { name: "streamed relays / direct streams", value: Math.round(ratio * 100) / 100, unit: "x" },
      { name: "server CPU per token, direct (OpenAI endpoint)", value: cpu(directRounds, "serverMicrosPerToken"), unit: "µs" },
      { name: "server CPU per token, streamed relay (miner + endpoint)", value: cpu(relayRounds, "serverMicrosPerToken"), unit: "µs" },
      { name: "client CPU per token, direct", value: cpu(directRounds, "clientMicrosPerToken"), unit: "µs" },
      { name: "client CPU per token, streamed relay (gateway checks)", value: cpu(relayRounds, "clientMicrosPerToken"), unit: "µs" },
    ];
  } finally {
    server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  printRows("bench streaming", await benchStreaming());
}
