import { useStaking } from "../../stores/staking-store.js";
import { defaultServiceId, serviceOffers } from "../../view-models/services.js";
import { useServingModel } from "./useServingModel.js";

/**
 * The service this supplier stakes for: the person's pick in the model step, else the default offer of this network
 * (ai-inference where it exists). Offers list only services the chain has.
 */
export function useServiceChoice() {
  const { entry } = useServingModel();
  const services = useStaking((s) => s.services);
  const chosen = useStaking((s) => s.chosenServiceId);
  const modelServiceId = entry?.pokt.serviceId ?? null;
  const serviceId = chosen ?? defaultServiceId(services, modelServiceId);
  return {
    serviceId,
    service: services?.find((s) => s.serviceId === serviceId) ?? null,
    services,
    modelServiceId,
    ...serviceOffers(services, modelServiceId),
    choose: (id: string) => useStaking.setState({ chosenServiceId: id }),
  };
}
