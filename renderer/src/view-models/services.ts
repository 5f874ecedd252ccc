import type { ServiceInfo, StakingParams } from "../../../shared/api/staking.js";
import { LLM_SERVICE_ID } from "../../../shared/services.js";
import { pricePerComputeUnitUpokt } from "../../../shared/economics.js";

/** One service the wizard offers for the model being served. */
export interface ServiceOffer {
  service: ServiceInfo;
  /** "byom": gateways send any model name and this machine's model answers; "model": the model's own service. */
  kind: "byom" | "model";
  recommended: boolean;
}

export interface ServiceOffers {
  offers: ServiceOffer[];
  /** The catalog model's own service id when it is not registered on this network (registering it costs a fee). */
  missingModelService: string | null;
}

/**
 * What a supplier of this model can serve on this network: its BYOM services (ai-inference first), and the catalog
 * model's own service only where the chain has it. Nothing is offered that the chain does not list.
 */
export function serviceOffers(services: readonly ServiceInfo[] | null, modelServiceId: string | null): ServiceOffers {
  if (!services) return { offers: [], missingModelService: null };
  const byom = services.filter((s) => s.byom).sort((a, b) => Number(b.serviceId === LLM_SERVICE_ID) - Number(a.serviceId === LLM_SERVICE_ID));
  const own = modelServiceId ? services.find((s) => s.serviceId === modelServiceId && !s.byom) : undefined;
  const offers: ServiceOffer[] = [...byom.map((service) => ({ service, kind: "byom" as const, recommended: false })), ...(own ? [{ service: own, kind: "model" as const, recommended: false }] : [])];
  if (offers.length > 0) offers[0]!.recommended = true;
  return { offers, missingModelService: modelServiceId && !services.some((s) => s.serviceId === modelServiceId) ? modelServiceId : null };
}

/**
 * The service to stake for unless the person picks another: ai-inference while the chain's list is unknown (the LLM
 * service of mainnet, beta and our localnet), then the first offer (ai-inference where it exists), else the model's
 * own service id (to be registered), else ai-inference.
 */
export function defaultServiceId(services: readonly ServiceInfo[] | null, modelServiceId: string | null): string {
  if (!services) return LLM_SERVICE_ID;
  return serviceOffers(services, modelServiceId).offers[0]?.service.serviceId ?? modelServiceId ?? LLM_SERVICE_ID;
}

/** What one relay of this service is worth at base difficulty: CUPR × CUTTM / granularity upokt. */
export function relayValueUpokt(service: Pick<ServiceInfo, "computeUnitsPerRelay">, params: Pick<StakingParams, "computeUnitsToTokensMultiplier" | "computeUnitCostGranularity">): number {
  return service.computeUnitsPerRelay * pricePerComputeUnitUpokt(params.computeUnitsToTokensMultiplier, params.computeUnitCostGranularity);
}

/** "0.14599 upokt", "14.6 upokt", "4,200 upokt": small prices keep their digits. */
export function formatUpoktPrice(upokt: number): string {
  if (!Number.isFinite(upokt)) return "—";
  const digits = upokt >= 100 ? 0 : upokt >= 1 ? 3 : 6;
  return `${Number(upokt.toFixed(digits)).toLocaleString("en-US", { maximumFractionDigits: digits })} upokt`;
}
