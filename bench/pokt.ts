// `npm run bench -- pokt`: the protocol library's hot paths (SMST, ring signatures, response signing, relay hashing).
import { benchCrypto } from "./pokt/crypto.js";
import { benchRelay } from "./pokt/relay.js";
import { benchSmst } from "./pokt/smst.js";
import type { BenchRow } from "./types.js";

export async function benchPokt(): Promise<BenchRow[]> {
  return [...(await benchSmst()), ...(await benchCrypto()), ...(await benchRelay())];
}
