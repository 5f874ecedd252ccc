// Opens the relay miner's link to a network: a ChainClient for queries and transactions and a BlockFollower
// for new blocks, wrapped as the miner's chain interfaces.
import type { OfflineDirectSigner } from "@cosmjs/proto-signing";
import { BlockFollower } from "../chain/block-follower.js";
import { ChainClient } from "../chain/client.js";
import type { NetworkProfile } from "../chain/networks.js";
import { minerChainConnection, type MinerChainConnection } from "./chain-adapter.js";
import type { RelayMinerMetrics } from "./metrics.js";

export interface ConnectOptions {
  profile: NetworkProfile;
  signerFor(operatorAddress: string): OfflineDirectSigner;
  metrics: RelayMinerMetrics;
  logger?: { info(message: string, fields?: Record<string, unknown>): void; warn(message: string, fields?: Record<string, unknown>): void };
}

export async function connectMinerChain(options: ConnectOptions): Promise<MinerChainConnection> {
  const client = await ChainClient.connect(options.profile);
  const follower = new BlockFollower({
    rpcUrl: options.profile.rpcUrl,
    wsUrl: options.profile.wsUrl,
    blockTimeMs: options.profile.blockTimeMs,
    logger: options.logger,
  });
  try {
    await follower.start();
  } catch (error) {
    client.disconnect();
    throw error;
  }
  return minerChainConnection(client, follower, options.signerFor, options.metrics, options.profile.blockTimeMs, async () => {
    await follower.stop();
    client.disconnect();
  });
}

