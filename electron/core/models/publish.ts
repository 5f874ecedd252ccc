import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CarWriter } from "@ipld/car/writer";
import * as dagPb from "@ipld/dag-pb";
import { importer } from "ipfs-unixfs-importer";
import { CID } from "multiformats/cid";
import { sha256 } from "multiformats/hashes/sha2";
import type { GgufFacts } from "../../../shared/api/models.js";
import { CatalogEntry, type ModelSource } from "../../../shared/models/catalog-schema.js";
import { estimateNeeds, NEEDS_CONTEXT_TOKENS } from "../../../shared/models/memory-estimate.js";
import { hasGgufMagic, readGgufFacts } from "./gguf.js";
import { blockMatchesCid } from "./ipfs/block.js";

/** A model's stored DAG as publishing walks it (sharing/model-dag.ts): nodes carry their bytes, leaves their place. */
export interface StoredDag {
  root: CID;
  walk(start: CID): Iterable<{ cid: CID; kind: "node" | "leaf"; offset: number; size: number; bytes?: Uint8Array }>;
}

/**
 * Kubo's defaults for `ipfs add --cid-version=1`: 256 KiB fixed chunks, raw leaves, balanced layout with at most 174
 * links per node (ipfs-unixfs-importer's defaults), so the CID matches what a pinning service computes.
 */
export const KUBO_DEFAULTS = { cidVersion: 1 as const, rawLeaves: true, reduceSingleLeafToSelf: true };

/**
 * The seam for the chain: registering the model's POKT service (MsgAddService) once a chain client exists. Publish
 * calls it when given and reports what it returned; it is a parameter, so nothing here knows about signing.
 */
export type AddServiceOnChain = (request: { serviceId: string; name: string; entry: CatalogEntry }) => Promise<{ txHash: string }>;

export interface UnixfsImport {
  cid: string;
  sha256: string;
  sizeBytes: number;
}

/**
 * The UnixFS CID (kubo defaults) and sha256 of a file, in one read; `carPath` also receives every block as a CAR, and
 * `onNode` every interior (dag-pb) node, the blocks that are not file bytes.
 */
export async function importUnixfs(path: string, carPath: string | null, onNode?: (cid: CID, bytes: Uint8Array) => void): Promise<UnixfsImport> {
  const fileHash = createHash("sha256");
  let size = 0;
  async function* content(): AsyncGenerator<Uint8Array> {
    for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
      fileHash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  }

  if (!carPath) {
    let root: CID | undefined;
    const store = {
      put: async (cid: CID, bytes: Uint8Array) => {
        if (cid.code === dagPb.code) onNode?.(cid, bytes);
        return cid;
      },
    };
    for await (const entry of importer([{ content: content() }], store, KUBO_DEFAULTS)) root = entry.cid;
    return { cid: root!.toString(), sha256: fileHash.digest("hex"), sizeBytes: size };
  }

  await mkdir(dirname(carPath), { recursive: true });
  const partial = `${carPath}.partial`;
  // The root is known only at the end: write a same-length placeholder and patch the header afterwards.
  const placeholder = CID.createV1(dagPb.code, await sha256.digest(new Uint8Array()));
  const { writer, out } = CarWriter.create([placeholder]);
  const written = pipeline(Readable.from(out), createWriteStream(partial, { mode: 0o644 }));
  let root: CID | undefined;
  try {
    const store = {
      put: async (cid: CID, bytes: Uint8Array) => {
        if (cid.code === dagPb.code) onNode?.(cid, bytes);
        await writer.put({ cid, bytes });
        return cid;
      },
    };
    for await (const entry of importer([{ content: content() }], store, KUBO_DEFAULTS)) root = entry.cid;
    await writer.close();
    await written;
    const handle = await open(partial, "r+");
    try {
      await CarWriter.updateRootsInFile(handle, [root!]);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(partial, carPath);
  } catch (error) {
    await writer.close().catch(() => {});
    await written.catch(() => {});
    await rm(partial, { force: true });
    throw error;
  }
  return { cid: root!.toString(), sha256: fileHash.digest("hex"), sizeBytes: size };
}

export interface PublishRequest {
  path: string;
  carPath: string;
  name: string;
  serviceId: string;
  family: string;
  license: string;
  weight: number;
  extraSources: ModelSource[];
  /** Chain registration; omitted until a chain client is wired in (the result then says it was not registered). */
  addService?: AddServiceOnChain;
}

export interface Published {
  cid: string;
  carPath: string;
  sha256: string;
  sizeBytes: number;
  entry: CatalogEntry;
  serviceRegistration: { txHash: string } | null;
}

/**
 * Prepares a local GGUF for distribution as a model source: its UnixFS CID and a CAR of its blocks (to upload to any
 * pinning service or `ipfs dag import`), its sha256, and a catalog entry built from its GGUF header that validates
 * against the catalog schema. Registering the service on chain goes through `addService` when one is given.
 */
export async function publishModel(request: PublishRequest): Promise<Published> {
  if (!(await hasGgufMagic(request.path))) throw new Error(`${request.path} is not a GGUF model file`);
  const facts = await readGgufFacts(request.path);
  const imported = await importUnixfs(request.path, request.carPath);
  const entry = catalogEntryFor(request, facts, imported);
  const serviceRegistration = request.addService
    ? await request.addService({ serviceId: request.serviceId, name: request.name, entry })
    : null;
  return { cid: imported.cid, carPath: request.carPath, sha256: imported.sha256, sizeBytes: imported.sizeBytes, entry, serviceRegistration };
}

/**
 * Publishes an installed model from the DAG computed when it was installed: the CAR is written in depth-first order
 * from the stored nodes and the file's leaves, each leaf checked against its CID on the way (a file changed on disk
 * fails here rather than producing a CAR with another CID), so no CID is computed again.
 */
export async function publishFromDag(request: PublishRequest, dag: StoredDag, file: { sha256: string; sizeBytes: number }): Promise<Published> {
  if (!(await hasGgufMagic(request.path))) throw new Error(`${request.path} is not a GGUF model file`);
  const facts = await readGgufFacts(request.path);
  await mkdir(dirname(request.carPath), { recursive: true });
  const partial = `${request.carPath}.partial`;
  const { writer, out } = CarWriter.create([dag.root]);
  const written = pipeline(Readable.from(out), createWriteStream(partial, { mode: 0o644 }));
  const handle = await open(request.path, "r");
  try {
    for (const step of dag.walk(dag.root)) {
      if (step.kind === "node") {
        await writer.put({ cid: step.cid, bytes: step.bytes! });
        continue;
      }
      const bytes = Buffer.allocUnsafe(step.size);
      const { bytesRead } = await handle.read(bytes, 0, step.size, step.offset);
      if (bytesRead !== step.size || !(await blockMatchesCid(step.cid, bytes))) {
        throw new Error(`${request.path} changed on disk since it was installed (block ${step.cid} no longer matches); verify the model, or delete it and download it again`);
      }
      await writer.put({ cid: step.cid, bytes });
    }
    await writer.close();
    await written;
    await rename(partial, request.carPath);
  } catch (error) {
    await writer.close().catch(() => {});
    await written.catch(() => {});
    await rm(partial, { force: true });
    throw error;
  } finally {
    await handle.close();
  }
  const imported = { cid: dag.root.toString(), sha256: file.sha256, sizeBytes: file.sizeBytes };
  const entry = catalogEntryFor(request, facts, imported);
  const serviceRegistration = request.addService
    ? await request.addService({ serviceId: request.serviceId, name: request.name, entry })
    : null;
  return { cid: imported.cid, carPath: request.carPath, sha256: imported.sha256, sizeBytes: imported.sizeBytes, entry, serviceRegistration };
}

function catalogEntryFor(request: PublishRequest, facts: GgufFacts, imported: UnixfsImport): CatalogEntry {
  if (!facts.layers || !facts.kvHeads || !facts.headDim) {
    throw new Error("The GGUF header lacks layer or attention-head counts, so the memory a node needs cannot be stated");
  }
  const architecture = { layers: facts.layers, kvHeads: facts.kvHeads, headDim: facts.headDim };
  const contextLength = facts.contextLength ?? NEEDS_CONTEXT_TOKENS;
  const slug = `${request.name}-${facts.quantization}`
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+|-+$/g, "")
    .slice(0, 80);
  return CatalogEntry.parse({
    id: slug.length >= 2 ? slug : `model-${imported.sha256.slice(0, 12)}`,
    name: request.name,
    family: request.family,
    license: request.license,
    parameters: facts.parameters,
    quantization: facts.quantization,
    sizeBytes: imported.sizeBytes,
    sha256: imported.sha256,
    verified: true,
    contextLength,
    architecture,
    needs: estimateNeeds(imported.sizeBytes, architecture, Math.min(NEEDS_CONTEXT_TOKENS, contextLength)),
    pokt: { serviceId: request.serviceId, weight: request.weight },
    sources: [{ kind: "ipfs", cid: imported.cid }, ...request.extraSources],
  });
}
