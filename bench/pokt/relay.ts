// Throughput of the relay hot path on one core: hashing a served relay for mining (canonical encode of
// the mined form + SHA-256), decoding a gateway's RelayRequest and encoding the RelayResponse the miner
// sends back. The relay is shaped like an LLM chat relay: a 199-byte ring signature, a ~0.5 KiB request
// and a ~1.5 KiB response body. Run directly: `npx tsx bench/pokt/relay.ts`.
import { pathToFileURL } from "node:url";
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { POKTHTTPRequest, POKTHTTPResponse } from "../../electron/core/pokt/proto/http.js";
import { RelayRequest, RelayResponse } from "../../electron/core/pokt/proto/service.js";
import { mineRelay, payloadHash } from "../../electron/core/pokt/relay.js";
import { printRows } from "../types.js";
import type { BenchRow } from "./types.js";

const MEASURE_MS = 800;
/**
 * One GPU serves at most a few hundred LLM relays per second; at this rate the relay codec and hash stay
 * an order of magnitude below that on a loaded core.
 */
const TARGET_PER_SECOND = 5_000;

function opsPerSecond(operation: () => void, warmUp = 200): number {
  for (let i = 0; i < warmUp; i++) operation();
  let runs = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < MEASURE_MS) {
    for (let i = 0; i < 50; i++) operation();
    runs += 50;
    elapsed = performance.now() - start;
  }
  return (runs * 1000) / elapsed;
}

function deterministicBytes(label: string, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let offset = 0, block = 0; offset < length; block++) {
    const chunk = sha256(utf8ToBytes(`${label}-${block}`));
    out.set(chunk.subarray(0, Math.min(32, length - offset)), offset);
    offset += 32;
  }
  return out;
}

function chatRelayFixture() {
  const sessionHeader = {
    applicationAddress: "pokt12tn7z9pc0k3uascf78lv0s6lzsnv6ss3u0x8ed",
    serviceId: "llm",
    sessionId: "7d77021baaa64d9ba0806b932d501f89b54017c8972621cc2b5f0bf6b945b7ea",
    sessionStartBlockHeight: 101n,
    sessionEndBlockHeight: 120n,
  };
  const jsonHeader = new Map([["Content-Type", { key: "Content-Type", values: ["application/json"] }]]);
  const prompt = "Explain in two sentences why the sky is blue. ".repeat(8);
  const requestPayload = POKTHTTPRequest.toBytes(
    POKTHTTPRequest.fromPartial({
      method: "POST",
      header: jsonHeader,
      url: "https://rm.example.com/v1/chat/completions",
      bodyBz: utf8ToBytes(JSON.stringify({ model: "llama3", messages: [{ role: "user", content: prompt }] })),
    }),
  );
  const answer = "Sunlight scatters off air molecules, and blue light scatters most. ".repeat(20);
  const responsePayload = POKTHTTPResponse.toBytes(
    POKTHTTPResponse.fromPartial({
      statusCode: 200,
      header: jsonHeader,
      bodyBz: utf8ToBytes(JSON.stringify({ id: "1", choices: [{ message: { role: "assistant", content: answer } }] })),
    }),
  );
  const request = RelayRequest.fromPartial({
    meta: {
      sessionHeader,
      signature: deterministicBytes("ring-signature", 199),
      supplierOperatorAddress: "pokt1zrn4r9krsq2ex8xcktk8w40wnq5ev6c508zzmr",
    },
    payload: requestPayload,
  });
  const response = RelayResponse.fromPartial({
    meta: { sessionHeader, supplierOperatorSignature: deterministicBytes("supplier-signature", 64) },
    payload: responsePayload,
    payloadHash: payloadHash(responsePayload),
  });
  return { request, response, requestBytes: RelayRequest.toBytes(request) };
}

export async function benchRelay(): Promise<BenchRow[]> {
  const { request, response, requestBytes } = chatRelayFixture();
  const responseBytes = RelayResponse.toBytes(response).length;
  const mined = mineRelay(request, response);
  const rate = (value: number) => Math.round(value);
  const row = (name: string, value: number): BenchRow => ({
    name,
    value: rate(value),
    unit: "ops/s",
    target: `≥ ${TARGET_PER_SECOND.toLocaleString("en-US")}`,
    ok: value >= TARGET_PER_SECOND,
  });

  let sink = 0;
  const hashRate = opsPerSecond(() => {
    sink ^= mineRelay(request, response).hash[0];
  });
  const decodeRate = opsPerSecond(() => {
    sink ^= RelayRequest.decode(requestBytes).payload.length;
  });
  const encodeRate = opsPerSecond(() => {
    sink ^= RelayResponse.toBytes(response).length;
  });
  if (sink === -1) console.log(sink); // keeps the results observable so nothing is optimised away

  return [
    row(`relay hash (encode ${mined.bytes.length} B mined relay + SHA-256)`, hashRate),
    row(`RelayRequest decode (${requestBytes.length} B)`, decodeRate),
    row(`RelayResponse encode (${responseBytes} B)`, encodeRate),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  printRows("bench pokt/relay", await benchRelay());
}
