import { formatUpokt } from "../../../../shared/format.js";
import { Badge } from "../../kit/Badge.js";
import { Message } from "../../kit/Message.js";
import { useChain } from "../../stores/chain-store.js";
import { useStaking } from "../../stores/staking-store.js";
import { formatUpoktPrice, relayValueUpokt, type ServiceOffers } from "../../view-models/services.js";
import type { ServiceInfo, StakingParams } from "../../../../shared/api/staking.js";
import { useServiceChoice } from "../wizard/useServiceChoice.js";

/**
 * Which of this network's services to serve the model under, read from x/service: BYOM services (ai-inference on
 * mainnet and beta: gateways send any model name and this machine's model answers) and the model's own service,
 * offered only where the chain has it.
 */
export function ServicePicker() {
  const { offers, missingModelService, serviceId, services, choose } = useServiceChoice();
  const params = useStaking((s) => s.params);
  const network = useChain((s) => s.status?.network ?? "this network");
  return (
    <ServicePickerView
      offers={offers}
      missingModelService={missingModelService}
      serviceId={serviceId}
      services={services}
      params={params}
      network={network}
      onChoose={choose}
    />
  );
}

export function ServicePickerView({
  offers,
  missingModelService,
  serviceId,
  services,
  params,
  network,
  onChoose: choose,
}: ServiceOffers & {
  serviceId: string;
  services: readonly ServiceInfo[] | null;
  params: StakingParams | null;
  network: string;
  onChoose(serviceId: string): void;
}) {
  if (!services) return <p className="muted">Reading this network's services…</p>;
  return (
    <div className="stack" data-testid="service-picker">
      {offers.length === 0 ? (
        <Message tone="warn" title={`No LLM service is registered on ${network}.`} next="Register one in the Stake step (you pay the add-service fee and earn the source-owner share).">
          {services.length} other service{services.length === 1 ? " is" : "s are"} registered there.
        </Message>
      ) : (
        <fieldset className="choice-list">
          <legend className="visually-hidden">Service to serve</legend>
          {offers.map(({ service, kind, recommended }) => (
            <label key={service.serviceId} className="choice" data-testid={`service-offer-${service.serviceId}`}>
              <input type="radio" name="service" value={service.serviceId} checked={serviceId === service.serviceId} onChange={() => choose(service.serviceId)} />
              <span>
                <span className="choice-title">
                  <code>{service.serviceId}</code> {service.name && service.name !== service.serviceId ? service.name : null}{" "}
                  {recommended && <Badge tone="accent">default on {network}</Badge>}{" "}
                  {kind === "byom" ? (
                    <Badge tone="info" title="Gateways never choose the model: any model name a request carries is answered by the model this machine serves.">
                      bring your own model
                    </Badge>
                  ) : (
                    <Badge>this model's service</Badge>
                  )}
                </span>
                <span className="choice-body">
                  {service.computeUnitsPerRelay.toLocaleString("en-US")} compute units per relay
                  {params ? ` · ${formatUpoktPrice(relayValueUpokt(service, params))} per relay` : ""}
                  {service.card?.description ? ` · ${service.card.description}` : ""}
                  {service.card?.healthcheckPath ? ` · health check GET ${service.card.healthcheckPath}` : ""}
                </span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
      {missingModelService && (
        <p className="small muted" data-testid="model-service-missing">
          This model's own service <code>{missingModelService}</code> is not registered on {network}, so no gateway asks for it there. You can still
          type it in the Stake step and register it (for the add-service fee{params ? ` of ${formatUpokt(params.addServiceFeeUpokt)}` : ""}).
        </p>
      )}
    </div>
  );
}
