// A cosmjs QueryClient extension for the pocket modules (docs/protocol.md §11.1): every gRPC query the supplier,
// the dashboard and the traffic generator need, sent through ABCI with the canonical pokt codecs.
import type { QueryClient } from "@cosmjs/stargate";
import { queries, type QueryMethod } from "../pokt/proto/index.js";
import type {
  application,
  gateway,
  proof,
  service,
  session,
  shared,
  supplier,
  tokenomics,
} from "../pokt/proto/index.js";
import { isNotFoundError } from "./errors.js";

async function call<Req extends object, Res extends object>(
  base: QueryClient,
  method: QueryMethod<Req, Res>,
  request: object,
): Promise<Res> {
  const bytes = method.request.toBytes(method.request.fromPartial(request));
  const { value } = await base.queryAbci(method.path, bytes);
  return method.response.decode(value);
}

/** The same query, answering undefined when the chain says the record does not exist. */
async function find<Req extends object, Res extends object, T>(
  base: QueryClient,
  method: QueryMethod<Req, Res>,
  request: object,
  pick: (response: Res) => T,
): Promise<T | undefined> {
  try {
    return pick(await call(base, method, request));
  } catch (error) {
    if (isNotFoundError(error)) return undefined;
    throw error;
  }
}

export type ClaimFilter = { supplierOperatorAddress: string } | { sessionId: string } | { sessionEndHeight: bigint } | {};

export interface PocketExtension {
  readonly pocket: {
    sharedParams(): Promise<shared.Params>;
    sharedParamsAtHeight(height: bigint): Promise<shared.Params>;
    sessionParams(): Promise<session.Params>;
    session(applicationAddress: string, serviceId: string, blockHeight?: bigint): Promise<session.Session>;
    supplierParams(): Promise<supplier.Params>;
    supplier(operatorAddress: string): Promise<shared.Supplier | undefined>;
    allSuppliers(filter?: { serviceId?: string; ownerAddress?: string }): Promise<shared.Supplier[]>;
    serviceParams(): Promise<service.Params>;
    service(id: string): Promise<shared.Service | undefined>;
    allServices(): Promise<shared.Service[]>;
    relayMiningDifficulty(serviceId: string): Promise<service.RelayMiningDifficulty>;
    relayMiningDifficultyAtHeight(serviceId: string, height: bigint): Promise<service.RelayMiningDifficulty>;
    computeUnitsPerRelayAtHeight(serviceId: string, height: bigint): Promise<bigint>;
    proofParams(): Promise<proof.Params>;
    claim(sessionId: string, supplierOperatorAddress: string): Promise<proof.Claim | undefined>;
    claims(filter?: ClaimFilter): Promise<proof.Claim[]>;
    proof(sessionId: string, supplierOperatorAddress: string): Promise<proof.Proof | undefined>;
    proofs(filter?: ClaimFilter): Promise<proof.Proof[]>;
    applicationParams(): Promise<application.Params>;
    application(address: string): Promise<application.Application | undefined>;
    applicationsDelegatingTo(gatewayAddress: string): Promise<application.Application[]>;
    gatewayParams(): Promise<gateway.Params>;
    gateway(address: string): Promise<gateway.Gateway | undefined>;
    tokenomicsParams(): Promise<tokenomics.Params>;
  };
}

/** Pages through a list query until the chain reports no next key. */
async function allPages<T>(fetch: (key: Uint8Array) => Promise<{ items: T[]; nextKey: Uint8Array }>): Promise<T[]> {
  const items: T[] = [];
  let key: Uint8Array = new Uint8Array(0);
  for (let page = 0; page < 1000; page++) {
    const result = await fetch(key);
    items.push(...result.items);
    if (result.nextKey.length === 0) return items;
    key = result.nextKey;
  }
  throw new Error("more than 1000 pages: refusing to continue");
}

export function setupPocketExtension(base: QueryClient): PocketExtension {
  return {
    pocket: {
      sharedParams: async () => (await call(base, queries.sharedParams, {})).params,
      sharedParamsAtHeight: async (height) => (await call(base, queries.sharedParamsAtHeight, { height })).params,
      sessionParams: async () => (await call(base, queries.sessionParams, {})).params,
      session: async (applicationAddress, serviceId, blockHeight = 0n) => {
        const { session: found } = await call(base, queries.getSession, { applicationAddress, serviceId, blockHeight });
        if (found === undefined) throw new Error(`the chain returned no session for ${applicationAddress} / ${serviceId}`);
        return found;
      },
      supplierParams: async () => (await call(base, queries.supplierParams, {})).params,
      supplier: (operatorAddress) => find(base, queries.supplier, { operatorAddress }, (r) => r.supplier),
      allSuppliers: (filter = {}) =>
        allPages(async (key) => {
          const r = await call(base, queries.allSuppliers, { ...filter, pagination: { key, limit: 100n } });
          return { items: r.supplier, nextKey: r.pagination?.nextKey ?? new Uint8Array(0) };
        }),
      serviceParams: async () => (await call(base, queries.serviceParams, {})).params,
      service: (id) => find(base, queries.service, { id }, (r) => r.service),
      allServices: () =>
        allPages(async (key) => {
          const r = await call(base, queries.allServices, { pagination: { key, limit: 100n } });
          return { items: r.service, nextKey: r.pagination?.nextKey ?? new Uint8Array(0) };
        }),
      relayMiningDifficulty: async (serviceId) =>
        (await call(base, queries.relayMiningDifficulty, { serviceId })).relayMiningDifficulty,
      relayMiningDifficultyAtHeight: async (serviceId, blockHeight) =>
        (await call(base, queries.relayMiningDifficultyAtHeight, { serviceId, blockHeight })).relayMiningDifficulty,
      computeUnitsPerRelayAtHeight: async (serviceId, blockHeight) =>
        (await call(base, queries.computeUnitsPerRelayAtHeight, { serviceId, blockHeight })).computeUnitsPerRelay,
      proofParams: async () => (await call(base, queries.proofParams, {})).params,
      claim: (sessionId, supplierOperatorAddress) =>
        find(base, queries.claim, { sessionId, supplierOperatorAddress }, (r) => r.claim),
      claims: (filter = {}) =>
        allPages(async (key) => {
          const r = await call(base, queries.allClaims, { ...filter, pagination: { key, limit: 100n } });
          return { items: r.claims, nextKey: r.pagination?.nextKey ?? new Uint8Array(0) };
        }),
      proof: (sessionId, supplierOperatorAddress) =>
        find(base, queries.proof, { sessionId, supplierOperatorAddress }, (r) => r.proof),
      proofs: (filter = {}) =>
        allPages(async (key) => {
          const r = await call(base, queries.allProofs, { ...filter, pagination: { key, limit: 100n } });
          return { items: r.proofs, nextKey: r.pagination?.nextKey ?? new Uint8Array(0) };
        }),
      applicationParams: async () => (await call(base, queries.applicationParams, {})).params,
      application: (address) => find(base, queries.application, { address }, (r) => r.application),
      applicationsDelegatingTo: (delegateeGatewayAddress) =>
        allPages(async (key) => {
          const r = await call(base, queries.allApplications, { delegateeGatewayAddress, pagination: { key, limit: 100n } });
          return { items: r.applications, nextKey: r.pagination?.nextKey ?? new Uint8Array(0) };
        }),
      gatewayParams: async () => (await call(base, queries.gatewayParams, {})).params,
      gateway: (address) => find(base, queries.gateway, { address }, (r) => r.gateway),
      tokenomicsParams: async () => (await call(base, queries.tokenomicsParams, {})).params,
    },
  };
}
