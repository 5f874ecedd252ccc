// `npm run bench -- localnet`: the embedded localnet under load. Sustained blocks of 50 signed transactions
// (CheckTx over the JSON-RPC, then execution and commit with signature checks, gas, SQLite writes and header
// hashing), and the p50 latency of the queries a supplier makes through cosmjs.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DirectSecp256k1Wallet } from "@cosmjs/proto-signing";
import { SigningStargateClient } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { ChainClient } from "../electron/core/chain/client.js";
import { msgs } from "../electron/core/chain/msgs.js";
import { localnetProfile } from "../electron/core/chain/networks.js";
import { createPocketRegistry } from "../electron/core/chain/registry.js";
import { localnetGenesis } from "../electron/core/localnet/config.js";
import { Localnet } from "../electron/core/localnet/localnet.js";
import { RPCType } from "../electron/core/pokt/proto/shared.js";
import { printRows, type BenchRow } from "./types.js";

const TXS_PER_BLOCK = 50;
const BLOCKS = 12;
const QUERY_ROUNDS = 150;
const POKT = 1_000_000n;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

export async function benchLocalnet(): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(join(tmpdir(), "pocketforge-bench-localnet-"));
  // Blocks only when this benchmark asks for them, so each block's work is measured on its own.
  const localnet = new Localnet({ dataDir, blockTimeMs: 0, genesis: localnetGenesis({ profile: "fast", params: { shared: { numBlocksPerSession: 4n } } }) });
  await localnet.start();
  const comet = await Comet38Client.connect(localnet.rpcUrl);
  const client = await ChainClient.connect(localnetProfile(localnet.rpcUrl, 100));
  const registry = createPocketRegistry();
  try {
    const senders = await Promise.all(
      Array.from({ length: TXS_PER_BLOCK }, (_, i) => DirectSecp256k1Wallet.fromKey(sha256(utf8ToBytes(`bench-sender-${i}`)), "pokt")),
    );
    const addresses = await Promise.all(senders.map(async (wallet) => (await wallet.getAccounts())[0].address));
    const funded = Promise.all(addresses.map((address) => localnet.faucet(address, 1000n * POKT)));
    localnet.produceBlock();
    await funded;

    // Sign every transaction up front: the benchmark measures the chain, not the wallet.
    const rounds: Uint8Array[][] = [];
    const accounts = await Promise.all(addresses.map((address) => client.account(address)));
    for (let round = 0; round < BLOCKS; round++) {
      rounds.push(
        await Promise.all(
          senders.map(async (wallet, i) => {
            const signer = await SigningStargateClient.offline(wallet, { registry });
            const raw = await signer.sign(
              addresses[i],
              [msgs.send(addresses[i], addresses[(i + 1) % addresses.length], 1n)],
              { amount: [{ denom: "upokt", amount: "1" }], gas: "200000" },
              "",
              { accountNumber: accounts[i]!.accountNumber, sequence: round, chainId: client.chainId },
            );
            return TxRaw.encode(raw).finish();
          }),
        ),
      );
    }

    const checkTxMs: number[] = [];
    const blockMs: number[] = [];
    let failed = 0;
    const started = performance.now();
    for (const txs of rounds) {
      for (const tx of txs) {
        const t0 = performance.now();
        const result = await comet.broadcastTxSync({ tx });
        checkTxMs.push(performance.now() - t0);
        if (result.code !== 0) failed += 1;
      }
      const t0 = performance.now();
      const committed = localnet.produceBlock();
      blockMs.push(performance.now() - t0);
      failed += committed.txs.filter((tx) => tx.result.code !== 0).length;
    }
    const elapsedS = (performance.now() - started) / 1000;
    const totalTxs = BLOCKS * TXS_PER_BLOCK;

    // A supplier and an application, so that sessions can be queried.
    const [operatorWallet, appWallet] = senders;
    const [operator, app] = addresses;
    const mine = async <T>(work: Promise<T>): Promise<T> => {
      const timer = setInterval(() => localnet.produceBlock(), 20);
      try {
        return await work;
      } finally {
        clearInterval(timer);
      }
    };
    await mine(
      client.signAndBroadcast(operatorWallet, operator, [
        msgs.stakeSupplier({
          signer: operator,
          ownerAddress: operator,
          operatorAddress: operator,
          stake: { denom: "upokt", amount: (10n * POKT).toString() },
          services: [{ serviceId: "ai-inference", endpoints: [{ url: "http://127.0.0.1:9", rpcType: RPCType.REST, configs: [] }], revShare: [{ address: operator, revSharePercentage: 100n }] }],
        }),
      ]),
    );
    await mine(
      client.signAndBroadcast(appWallet, app, [
        msgs.stakeApplication({ address: app, stake: { denom: "upokt", amount: (10n * POKT).toString() }, services: [{ serviceId: "ai-inference" }] }),
      ]),
    );
    for (let i = 0; i < 5; i++) localnet.produceBlock();

    const timeQuery = async (query: () => Promise<unknown>): Promise<number> => {
      await query();
      const samples: number[] = [];
      for (let i = 0; i < QUERY_ROUNDS; i++) {
        const t0 = performance.now();
        await query();
        samples.push(performance.now() - t0);
      }
      return round(percentile(samples, 50));
    };
    const balanceP50 = await timeQuery(() => client.balance(app));
    const accountP50 = await timeQuery(() => client.account(operator));
    const sessionP50 = await timeQuery(() => client.pocket.session(app, "ai-inference"));
    const supplierP50 = await timeQuery(() => client.pocket.supplier(operator));
    const blockHashP50 = await timeQuery(() => client.blockHash(3));

    const blockP50 = round(percentile(blockMs, 50));
    return [
      { name: `block of ${TXS_PER_BLOCK} txs: execute + commit (p50)`, value: blockP50, unit: "ms", target: "< 250 ms (1 s blocks)", ok: blockP50 < 250 },
      { name: `block of ${TXS_PER_BLOCK} txs: execute + commit (max)`, value: round(Math.max(...blockMs)), unit: "ms" },
      { name: "CheckTx via broadcast_tx_sync (p50)", value: round(percentile(checkTxMs, 50)), unit: "ms" },
      { name: "sustained throughput (CheckTx + blocks)", value: Math.round(totalTxs / elapsedS), unit: "tx/s", target: `≥ ${TXS_PER_BLOCK} tx/s`, ok: totalTxs / elapsedS >= TXS_PER_BLOCK },
      { name: "failed transactions", value: failed, unit: "tx", target: "0", ok: failed === 0 },
      { name: "query p50: bank balance", value: balanceP50, unit: "ms", target: "< 20 ms", ok: balanceP50 < 20 },
      { name: "query p50: auth account", value: accountP50, unit: "ms" },
      { name: "query p50: GetSession", value: sessionP50, unit: "ms", target: "< 20 ms", ok: sessionP50 < 20 },
      { name: "query p50: supplier", value: supplierP50, unit: "ms" },
      { name: "query p50: block hash (/blockchain)", value: blockHashP50, unit: "ms" },
    ];
  } finally {
    comet.disconnect();
    client.disconnect();
    await localnet.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printRows("bench localnet", await benchLocalnet());
}
