// Starts an embedded localnet in a temporary folder with short blocks and a cosmjs-based ChainClient on it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DirectSecp256k1Wallet } from "@cosmjs/proto-signing";
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { ChainClient } from "../../electron/core/chain/client.js";
import { localnetProfile } from "../../electron/core/chain/networks.js";
import { localnetGenesis } from "../../electron/core/localnet/config.js";
import { Localnet, type LocalnetOptions } from "../../electron/core/localnet/localnet.js";
import { addressFromPublicKey, publicKeyFromPrivateKey } from "../../electron/core/pokt/keys.js";

export interface LocalnetHarness {
  localnet: Localnet;
  client: ChainClient;
  dataDir: string;
  close(options?: { keepData?: boolean }): Promise<void>;
}

export async function startLocalnet(options: {
  blockTimeMs?: number;
  genesis?: Parameters<typeof localnetGenesis>[0];
  dataDir?: string;
  websocket?: boolean;
  port?: number;
} = {}): Promise<LocalnetHarness> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "pocketforge-localnet-"));
  const blockTimeMs = options.blockTimeMs ?? 100;
  const localnetOptions: LocalnetOptions = {
    dataDir,
    blockTimeMs,
    genesis: localnetGenesis(options.genesis ?? {}),
    websocket: options.websocket,
    port: options.port,
  };
  const localnet = new Localnet(localnetOptions);
  await localnet.start();
  const client = await ChainClient.connect(localnetProfile(localnet.rpcUrl, blockTimeMs));
  return {
    localnet,
    client,
    dataDir,
    async close({ keepData = false } = {}) {
      client.disconnect();
      await localnet.dispose();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestAccount {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
  address: string;
  wallet: DirectSecp256k1Wallet;
}

/** A deterministic account per label (tests name their actors). */
export async function testAccount(label: string): Promise<TestAccount> {
  const privateKey = sha256(utf8ToBytes(`pocketforge-test/${label}`));
  const publicKey = publicKeyFromPrivateKey(privateKey);
  return { privateKey, publicKey, address: addressFromPublicKey(publicKey), wallet: await DirectSecp256k1Wallet.fromKey(privateKey, "pokt") };
}

/** Creates and funds accounts through the faucet (one block). */
export async function fundedAccounts(localnet: Localnet, amount: bigint, ...labels: string[]): Promise<TestAccount[]> {
  const accounts = await Promise.all(labels.map(testAccount));
  await Promise.all(accounts.map((account) => localnet.faucet(account.address, amount)));
  return accounts;
}
