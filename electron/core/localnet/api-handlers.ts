// localnet.* API methods: faucet, reset and the traffic generator, over the LocalnetService.
import { ApiError } from "../../../shared/api/index.js";
import type { HandlersFor } from "../runtime/api-router.js";
import { requireAddress } from "../chain/api-handlers.js";
import type { ChainService } from "../chain/chain-service.js";
import { FaucetLimitError } from "./faucet-allowance.js";
import { LocalnetUnavailableError, type LocalnetService } from "./localnet-service.js";

async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof LocalnetUnavailableError) throw new ApiError("unavailable", error.message);
    if (error instanceof FaucetLimitError) throw new ApiError("invalid_params", error.message, { field: "amount" });
    throw error;
  }
}

export function createLocalnetHandlers(
  localnet: LocalnetService,
  chain: ChainService,
): HandlersFor<"localnet.faucet" | "localnet.reset" | "localnet.traffic" | "localnet.trafficStats"> {
  return {
    "localnet.faucet": ({ address, amount }) =>
      translated(async () => {
        requireAddress(address);
        const paid = await localnet.faucet(address, amount === undefined ? undefined : BigInt(amount));
        return { address, amount: paid.amount.toString(), height: Number(paid.height) };
      }),
    "localnet.reset": () =>
      translated(async () => {
        await localnet.reset();
        // Heights start over: the block follower and the client must not wait for the old chain's heights.
        return chain.reconnect();
      }),
    "localnet.traffic": ({ action, ratePerSecond, serviceId, model }) =>
      translated(async () => {
        if (action === "start") return localnet.startTraffic(ratePerSecond, serviceId, model);
        if (action === "stop") {
          localnet.stopTraffic();
          return localnet.trafficStats();
        }
        return localnet.setTrafficRate(ratePerSecond!);
      }),
    "localnet.trafficStats": () => localnet.trafficStats(),
  };
}
