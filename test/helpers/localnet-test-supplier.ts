// A minimal supplier built from the pokt library for localnet tests: an HTTP relay endpoint on loopback that
// checks the ring signature and session against the chain, answers with a chat completion, signs the response
// as the operator, mines every relay into a per-session SMST, and can claim and prove those sessions.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ChainClient } from "../../electron/core/chain/client.js";
import { msgs } from "../../electron/core/chain/msgs.js";
import { proofPathFor } from "../../electron/core/localnet/modules/proof.js";
import { http, service, type session } from "../../electron/core/pokt/proto/index.js";
import { isRelayVolumeApplicable, mineRelay, payloadHash, relayRequestSignableHash, validateRelayRequest } from "../../electron/core/pokt/relay.js";
import { relayResponseSignableHash } from "../../electron/core/pokt/relay-response-signable.js";
import { signResponseHash } from "../../electron/core/pokt/response-signature.js";
import { checkApplicationRingSignature, ringAddressesForApplication, ringPublicKeysForAddresses } from "../../electron/core/pokt/ring/index.js";
import { sessionWindows } from "../../electron/core/pokt/session.js";
import { SparseMerkleSumTrie, closestProofToGob } from "../../electron/core/pokt/smst/index.js";
import type { TestAccount } from "./localnet-harness.js";

export interface SessionTree {
  header: session.SessionHeader;
  tree: SparseMerkleSumTrie;
  relays: number;
}

export interface TestSupplierOptions {
  client: ChainClient;
  operator: TestAccount;
  /** Answer with a broken signature (to test gateways' checks). */
  corruptSignatures?: boolean;
}

export class TestSupplier {
  readonly sessions = new Map<string, SessionTree>();
  served = 0;
  rejected: string[] = [];
  private server: Server | undefined;
  url = "";

  constructor(private readonly options: TestSupplierOptions) {}

  async start(): Promise<string> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        this.handle(new Uint8Array(Buffer.concat(chunks))).then(
          (body) => {
            response.writeHead(200, { "Content-Length": body.length });
            response.end(body);
          },
          (error: Error) => {
            this.rejected.push(error.message);
            response.writeHead(400);
            response.end(error.message);
          },
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(body: Uint8Array): Promise<Buffer> {
    const { client, operator } = this.options;
    const request = service.RelayRequest.decode(body);
    const problem = validateRelayRequest(request);
    if (problem) throw new Error(problem);
    if (request.meta.supplierOperatorAddress !== operator.address) throw new Error("relay addressed to another supplier");
    const header = request.meta.sessionHeader!;
    const onChain = await client.pocket.session(header.applicationAddress, header.serviceId, header.sessionStartBlockHeight);
    if (onChain.header!.sessionId !== header.sessionId) throw new Error("unknown session");
    if (!onChain.suppliers.some((s) => s.operatorAddress === operator.address)) throw new Error("not in session");

    const application = (await client.pocket.application(header.applicationAddress))!;
    const addresses = ringAddressesForApplication(
      {
        address: application.address,
        delegateeGatewayAddresses: application.delegateeGatewayAddresses,
        pendingUndelegations: [...application.pendingUndelegations].map(([height, list]) => ({ height, gatewayAddresses: list.gatewayAddresses })),
      },
      header.sessionEndBlockHeight,
    );
    const keys = new Map<string, Uint8Array>();
    for (const address of addresses) {
      const key = await client.publicKey(address);
      if (key) keys.set(address, key);
    }
    const ring = checkApplicationRingSignature({
      signature: request.meta.signature,
      message: relayRequestSignableHash(request),
      expectedRingPublicKeys: ringPublicKeysForAddresses(addresses, keys),
    });
    if (!ring.valid) throw new Error(`ring signature: ${ring.detail}`);

    const httpRequest = http.POKTHTTPRequest.decode(request.payload);
    const chat = JSON.parse(new TextDecoder().decode(httpRequest.bodyBz)) as { model: string; messages: Array<{ content: string }> };
    const completion = {
      id: `chatcmpl-${this.served}`,
      object: "chat.completion",
      model: chat.model,
      choices: [{ index: 0, message: { role: "assistant", content: `You said: ${chat.messages.at(-1)?.content ?? ""}` }, finish_reason: "stop" }],
    };
    const payload = http.POKTHTTPResponse.toBytes({
      statusCode: 200,
      header: new Map([["Content-Type", { key: "Content-Type", values: ["application/json"] }]]),
      bodyBz: new TextEncoder().encode(JSON.stringify(completion)),
    });
    const unsigned: service.RelayResponse = {
      meta: { sessionHeader: header, supplierOperatorSignature: new Uint8Array(0) },
      payload,
      relayMinerError: undefined,
      payloadHash: payloadHash(payload),
    };
    let signature = signResponseHash(relayResponseSignableHash(unsigned), operator.privateKey);
    if (this.options.corruptSignatures) signature = Uint8Array.from(signature, (b, i) => (i === 10 ? b ^ 1 : b));
    const response = { ...unsigned, meta: { ...unsigned.meta, supplierOperatorSignature: signature } };

    const mined = mineRelay(request, response);
    const start = header.sessionStartBlockHeight;
    const target = (await client.pocket.relayMiningDifficultyAtHeight(header.serviceId, start)).targetHash;
    if (isRelayVolumeApplicable(mined.hash, target)) {
      const cupr = await client.pocket.computeUnitsPerRelayAtHeight(header.serviceId, start);
      const entry = this.sessions.get(header.sessionId) ?? { header, tree: new SparseMerkleSumTrie(), relays: 0 };
      entry.tree.update(mined.hash, mined.bytes, cupr);
      entry.relays += 1;
      this.sessions.set(header.sessionId, entry);
    }
    this.served += 1;
    return Buffer.from(service.RelayResponse.toBytes(response));
  }

  /** Creates the claim of a session (the caller waits for the claim window). */
  async claim(sessionId: string) {
    const entry = this.sessions.get(sessionId)!;
    return this.options.client.signAndBroadcast(this.options.operator.wallet, this.options.operator.address, [
      msgs.createClaim({ supplierOperatorAddress: this.options.operator.address, sessionHeader: entry.header, rootHash: entry.tree.root() }),
    ]);
  }

  /** The gob proof bytes for the path the chain will ask for (seeded by the block before the proof window). */
  async proofBytes(sessionId: string): Promise<Uint8Array> {
    const entry = this.sessions.get(sessionId)!;
    const end = entry.header.sessionEndBlockHeight;
    const windows = sessionWindows(await this.options.client.pocket.sharedParamsAtHeight(end), end);
    const seed = await this.options.client.blockHash(Number(windows.proofSeedBlockHeight));
    return closestProofToGob(entry.tree.proveClosest(proofPathFor(seed, sessionId)));
  }

  async submitProof(sessionId: string, proof?: Uint8Array) {
    const entry = this.sessions.get(sessionId)!;
    return this.options.client.signAndBroadcast(this.options.operator.wallet, this.options.operator.address, [
      msgs.submitProof({
        supplierOperatorAddress: this.options.operator.address,
        sessionHeader: entry.header,
        proof: proof ?? (await this.proofBytes(sessionId)),
      }),
    ]);
  }
}
