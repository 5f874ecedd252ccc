import type { stakingMethods } from "../../../shared/api/staking.js";
import type { HandlersFor } from "../runtime/api-router.js";
import type { StakingService } from "./staking-service.js";

/**
 * The staking API: thin adapters to the service, which owns every rule. Every call that signs a transaction (stake,
 * unstake, register a service, send) asks for the wallet passphrase again (`confirmPassphrase`) first.
 */
export function createStakingHandlers(
  staking: StakingService,
  confirmPassphrase: (passphrase: string, purpose: string) => Promise<void>,
): HandlersFor<keyof typeof stakingMethods> {
  return {
    "staking.params": () => staking.params(),
    "staking.supplier": ({ operatorAddress }) => staking.supplier(operatorAddress),
    "staking.service": ({ serviceId }) => staking.service(serviceId),
    "staking.services": () => staking.services(),
    "staking.estimateStake": (request) => staking.estimateStake(request),
    "staking.stake": async ({ passphrase, ...request }) => {
      await confirmPassphrase(passphrase, "stake");
      return staking.stake(request);
    },
    "staking.unstake": async ({ passphrase }) => {
      await confirmPassphrase(passphrase, "unstake");
      return staking.unstake();
    },
    "staking.addService": async ({ passphrase, ...params }) => {
      await confirmPassphrase(passphrase, "register a service");
      return staking.addService(params);
    },
    "staking.checkEndpoint": ({ url, serviceId }) => staking.checkEndpoint(url, serviceId),
    "staking.endpoint": () => staking.endpoint(),
    "staking.setEndpoint": ({ publicUrl }) => staking.setEndpoint(publicUrl),
    "transfer.estimate": (params) => staking.estimateSend(params),
    "transfer.send": async ({ passphrase, ...params }) => {
      await confirmPassphrase(passphrase, "send");
      return staking.send(params);
    },
  };
}
