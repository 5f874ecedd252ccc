// The gRPC query methods a supplier uses (docs/protocol.md §11.1): ABCI path plus request/response codecs,
// e.g. `queryClient.queryAbci(queries.getSession.path, queries.getSession.request.toBytes(...))`.
import * as application from "./application.js";
import type { MessageCodec } from "./codec.js";
import * as gateway from "./gateway.js";
import * as proof from "./proof.js";
import * as service from "./service.js";
import * as session from "./session.js";
import * as shared from "./shared.js";
import * as supplier from "./supplier.js";
import * as tokenomics from "./tokenomics.js";

export interface QueryMethod<Req extends object, Res extends object> {
  /** `/pocket.<module>.Query/<Method>` */
  readonly path: string;
  readonly request: MessageCodec<Req, any>;
  readonly response: MessageCodec<Res, any>;
}

function method<Req extends object, Res extends object>(
  serviceName: string,
  name: string,
  request: MessageCodec<Req, any>,
  response: MessageCodec<Res, any>,
): QueryMethod<Req, Res> {
  return { path: `/${serviceName}/${name}`, request, response };
}

const SESSION = "pocket.session.Query";
const SHARED = "pocket.shared.Query";
const SUPPLIER = "pocket.supplier.Query";
const SERVICE = "pocket.service.Query";
const PROOF = "pocket.proof.Query";
const APPLICATION = "pocket.application.Query";
const GATEWAY = "pocket.gateway.Query";
const TOKENOMICS = "pocket.tokenomics.Query";

export const queries = {
  sessionParams: method(SESSION, "Params", session.QueryParamsRequest, session.QueryParamsResponse),
  getSession: method(SESSION, "GetSession", session.QueryGetSessionRequest, session.QueryGetSessionResponse),
  sharedParams: method(SHARED, "Params", shared.QueryParamsRequest, shared.QueryParamsResponse),
  /** v0.1.34+. */
  sharedParamsAtHeight: method(
    SHARED,
    "ParamsAtHeight",
    shared.QueryParamsAtHeightRequest,
    shared.QueryParamsAtHeightResponse,
  ),
  supplierParams: method(SUPPLIER, "Params", supplier.QueryParamsRequest, supplier.QueryParamsResponse),
  supplier: method(SUPPLIER, "Supplier", supplier.QueryGetSupplierRequest, supplier.QueryGetSupplierResponse),
  allSuppliers: method(
    SUPPLIER,
    "AllSuppliers",
    supplier.QueryAllSuppliersRequest,
    supplier.QueryAllSuppliersResponse,
  ),
  serviceParams: method(SERVICE, "Params", service.QueryParamsRequest, service.QueryParamsResponse),
  service: method(SERVICE, "Service", service.QueryGetServiceRequest, service.QueryGetServiceResponse),
  allServices: method(SERVICE, "AllServices", service.QueryAllServicesRequest, service.QueryAllServicesResponse),
  relayMiningDifficulty: method(
    SERVICE,
    "RelayMiningDifficulty",
    service.QueryGetRelayMiningDifficultyRequest,
    service.QueryGetRelayMiningDifficultyResponse,
  ),
  relayMiningDifficultyAll: method(
    SERVICE,
    "RelayMiningDifficultyAll",
    service.QueryAllRelayMiningDifficultyRequest,
    service.QueryAllRelayMiningDifficultyResponse,
  ),
  relayMiningDifficultyAtHeight: method(
    SERVICE,
    "RelayMiningDifficultyAtHeight",
    service.QueryGetRelayMiningDifficultyAtHeightRequest,
    service.QueryGetRelayMiningDifficultyAtHeightResponse,
  ),
  relayMiningDifficultyHistory: method(
    SERVICE,
    "RelayMiningDifficultyHistory",
    service.QueryRelayMiningDifficultyHistoryRequest,
    service.QueryRelayMiningDifficultyHistoryResponse,
  ),
  /** v0.1.35. */
  computeUnitsPerRelayAtHeight: method(
    SERVICE,
    "ComputeUnitsPerRelayAtHeight",
    service.QueryComputeUnitsPerRelayAtHeightRequest,
    service.QueryComputeUnitsPerRelayAtHeightResponse,
  ),
  /** v0.1.35. */
  computeUnitsPerRelayHistory: method(
    SERVICE,
    "ComputeUnitsPerRelayHistory",
    service.QueryComputeUnitsPerRelayHistoryRequest,
    service.QueryComputeUnitsPerRelayHistoryResponse,
  ),
  proofParams: method(PROOF, "Params", proof.QueryParamsRequest, proof.QueryParamsResponse),
  claim: method(PROOF, "Claim", proof.QueryGetClaimRequest, proof.QueryGetClaimResponse),
  allClaims: method(PROOF, "AllClaims", proof.QueryAllClaimsRequest, proof.QueryAllClaimsResponse),
  proof: method(PROOF, "Proof", proof.QueryGetProofRequest, proof.QueryGetProofResponse),
  allProofs: method(PROOF, "AllProofs", proof.QueryAllProofsRequest, proof.QueryAllProofsResponse),
  applicationParams: method(APPLICATION, "Params", application.QueryParamsRequest, application.QueryParamsResponse),
  application: method(
    APPLICATION,
    "Application",
    application.QueryGetApplicationRequest,
    application.QueryGetApplicationResponse,
  ),
  allApplications: method(
    APPLICATION,
    "AllApplications",
    application.QueryAllApplicationsRequest,
    application.QueryAllApplicationsResponse,
  ),
  gatewayParams: method(GATEWAY, "Params", gateway.QueryParamsRequest, gateway.QueryParamsResponse),
  gateway: method(GATEWAY, "Gateway", gateway.QueryGetGatewayRequest, gateway.QueryGetGatewayResponse),
  allGateways: method(GATEWAY, "AllGateways", gateway.QueryAllGatewaysRequest, gateway.QueryAllGatewaysResponse),
  tokenomicsParams: method(TOKENOMICS, "Params", tokenomics.QueryParamsRequest, tokenomics.QueryParamsResponse),
};
