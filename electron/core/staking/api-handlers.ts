import type { stakingMethods } from "../../../shared/api/staking.js";
import type { HandlersFor } from "../runtime/api-router.js";
import type { StakingService } from "./staking-service.js";

/** The staking API: thin adapters to the service, which owns every rule. */
export function createStakingHandlers(staking: StakingService): HandlersFor<keyof typeof stakingMethods> {
  return {
    "staking.params": () => staking.params(),
    "staking.supplier": ({ operatorAddress }) => staking.supplier(operatorAddress),
    "staking.service": ({ serviceId }) => staking.service(serviceId),
    "staking.estimateStake": (request) => staking.estimateStake(request),
    "staking.stake": (request) => staking.stake(request),
    "staking.unstake": () => staking.unstake(),
    "staking.addService": (params) => staking.addService(params),
    "staking.checkEndpoint": ({ url, serviceId }) => staking.checkEndpoint(url, serviceId),
    "staking.endpoint": () => staking.endpoint(),
    "staking.setEndpoint": ({ publicUrl }) => staking.setEndpoint(publicUrl),
    "transfer.estimate": (params) => staking.estimateSend(params),
    "transfer.send": (params) => staking.send(params),
  };
}
