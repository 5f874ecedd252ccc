// `npm run localnet -- [--port 26657] [--data-dir DIR] [--block-time 1000] [--profile mainnet-like|fast] [--reset] [--traffic RATE]`:
// runs the localnet on its own so several PocketForge instances can share one chain (point them at the printed
// RPC URL). Ctrl-C stops it; the chain continues from its data dir next time.
import { parseArgs } from "node:util";
import { join } from "node:path";
import { ChainClient } from "../chain/client.js";
import { localnetProfile } from "../chain/networks.js";
import { defaultDataDir } from "../runtime/data-dir.js";
import { DEFAULT_LOCALNET_PROFILE, GENESIS_SERVICE_ID, LOCALNET_PROFILES, defaultLocalnetGenesis, isLocalnetProfile } from "./config.js";
import { Localnet } from "./localnet.js";
import { TrafficGenerator, loadOrCreateTrafficKeys } from "./traffic/generator.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "26657" },
    "data-dir": { type: "string" },
    "block-time": { type: "string", default: "1000" },
    profile: { type: "string", default: DEFAULT_LOCALNET_PROFILE },
    reset: { type: "boolean", default: false },
    traffic: { type: "string" },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(`Usage: npm run localnet -- [options]
  --port N          CometBFT RPC port on 127.0.0.1 (default 26657; 0 picks a free one)
  --data-dir DIR    where the chain lives (default: <PocketForge data>/localnet-standalone)
  --block-time MS   block interval in milliseconds (default 1000)
  --profile NAME    parameters of a new chain (first start or --reset): mainnet-like (default; mainnet's
                    sessions, stakes, fees and prices) or fast (10-block sessions, 1 POKT stakes; for tests)
  --reset           start a new chain from genesis
  --traffic RATE    also run the traffic generator at RATE relays/s per supplier`);
  process.exit(0);
}

function positiveInteger(text: string, name: string, allowZero = false): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    console.error(`--${name} must be ${allowZero ? "a non-negative" : "a positive"} integer, got ${text}`);
    process.exit(2);
  }
  return value;
}

const dataDir = values["data-dir"] ?? join(defaultDataDir(), "localnet-standalone");
const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
  console.log(`[${level}] ${message}${fields ? ` ${JSON.stringify(fields)}` : ""}`);
const logger = { info: log("info"), warn: log("warn"), error: log("error") };
const blockTimeMs = positiveInteger(values["block-time"]!, "block-time");
const profile = values.profile!;
if (!isLocalnetProfile(profile)) {
  console.error(`--profile must be one of ${LOCALNET_PROFILES.join(", ")}, got ${profile}`);
  process.exit(2);
}
const localnet = new Localnet({ dataDir, port: positiveInteger(values.port!, "port", true), blockTimeMs, genesis: defaultLocalnetGenesis(profile), logger });

await localnet.start();
if (values.reset) await localnet.reset();
const params = localnet.chain.app.params.get("shared");
console.log(`localnet chain "${localnet.chain.chainId}" at height ${localnet.chain.height} (${params.numBlocksPerSession}-block sessions; --profile applies to a new chain)
  RPC        ${localnet.rpcUrl}   (WebSocket ${localnet.rpcUrl.replace("http://", "ws://")}/websocket)
  data       ${dataDir}
  faucet     curl -s '${localnet.rpcUrl}/faucet?address="pokt1…"&amount="1000000"'
Point PocketForge at it with the custom network (RPC URL above).`);

let generator: TrafficGenerator | undefined;
let client: ChainClient | undefined;
if (values.traffic !== undefined) {
  client = await ChainClient.connect(localnetProfile(localnet.rpcUrl, blockTimeMs));
  generator = new TrafficGenerator({
    client,
    faucet: (address, amount) => localnet.faucet(address, amount),
    keys: loadOrCreateTrafficKeys(join(dataDir, "traffic-keys.json")),
    serviceId: GENESIS_SERVICE_ID,
    ratePerSecond: Number(values.traffic),
    logger,
  });
  await generator.start();
  setInterval(() => {
    const s = generator!.stats();
    console.log(`[traffic] sent ${s.sent}, ok ${s.succeeded}, failed ${s.failed}, p50 ${s.latencyMsP50 ?? "-"} ms${s.lastError ? `, last error: ${s.lastError}` : ""}`);
  }, 10_000).unref();
}

async function shutdown(): Promise<void> {
  generator?.stop();
  client?.disconnect();
  await localnet.dispose();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
