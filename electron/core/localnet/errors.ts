// Chain errors as the SDK reports them: a registered (codespace, code, description) plus the detail that
// wraps it, so a raw log reads "<detail>: <description>" exactly like a cosmos-sdk chain's.

export interface RegisteredError {
  readonly codespace: string;
  readonly code: number;
  readonly description: string;
}

export class TxError extends Error {
  override readonly name = "TxError";
  constructor(
    readonly registered: RegisteredError,
    readonly detail?: string,
  ) {
    // An empty description re-raises a chain log verbatim (simulation reports the executed Msg's log).
    super(detail ? (registered.description ? `${detail}: ${registered.description}` : detail) : registered.description);
  }
  get codespace(): string {
    return this.registered.codespace;
  }
  get code(): number {
    return this.registered.code;
  }
}

function register(codespace: string, code: number, description: string) {
  const registered: RegisteredError = { codespace, code, description };
  return Object.assign((detail?: string) => new TxError(registered, detail), registered);
}

/** cosmos-sdk root errors. */
export const sdkErrors = {
  txDecode: register("sdk", 2, "tx parse error"),
  unauthorized: register("sdk", 4, "unauthorized"),
  insufficientFunds: register("sdk", 5, "insufficient funds"),
  unknownRequest: register("sdk", 6, "unknown request"),
  invalidAddress: register("sdk", 7, "invalid address"),
  unknownAddress: register("sdk", 9, "unknown address"),
  invalidPubKey: register("sdk", 8, "invalid pubkey"),
  invalidCoins: register("sdk", 10, "invalid coins"),
  outOfGas: register("sdk", 11, "out of gas"),
  insufficientFee: register("sdk", 13, "insufficient fee"),
  tooManySignatures: register("sdk", 14, "maximum number of signatures exceeded"),
  noSignatures: register("sdk", 15, "no signatures supplied"),
  invalidRequest: register("sdk", 18, "invalid request"),
  txInMempoolCache: register("sdk", 19, "tx already in mempool"),
  mempoolIsFull: register("sdk", 20, "mempool is full"),
  txTooLarge: register("sdk", 21, "tx too large"),
  txTimeoutHeight: register("sdk", 30, "tx timeout height"),
  wrongSequence: register("sdk", 32, "incorrect account sequence"),
  notSupported: register("sdk", 37, "feature not supported"),
  keyNotFound: register("sdk", 38, "key not found"),
};

/** poktroll x/proof. */
export const proofErrors = {
  invalidAddress: register("proof", 1101, "invalid address"),
  supplierNotFound: register("proof", 1102, "supplier not found"),
  invalidClaimRootHash: register("proof", 1104, "invalid root hash"),
  claimNotFound: register("proof", 1106, "claim not found"),
  invalidProof: register("proof", 1108, "invalid proof"),
  invalidRelay: register("proof", 1109, "invalid relay"),
  invalidRelayRequest: register("proof", 1110, "invalid relay request"),
  invalidRelayResponse: register("proof", 1111, "invalid relay response"),
  applicationNotFound: register("proof", 1113, "application not found"),
  invalidSessionHeader: register("proof", 1115, "invalid session header"),
  invalidSessionId: register("proof", 1116, "invalid session ID"),
  invalidSessionEndHeight: register("proof", 1117, "invalid session end height"),
  invalidSessionStartHeight: register("proof", 1118, "invalid session start height"),
  claimOutsideOfWindow: register("proof", 1121, "claim attempted outside of the session's claim window"),
  proofOutsideOfWindow: register("proof", 1122, "proof attempted outside of the session's proof window"),
  serviceNotFound: register("proof", 1125, "service not found"),
  computeUnitsMismatch: register(
    "proof",
    1126,
    "mismatch: claim compute units != number of relays * service compute units per relay",
  ),
  notEnoughFunds: register("proof", 1127, "not enough funds to submit proof"),
  proofNotRequired: register("proof", 1129, "proof not required"),
};

/** poktroll x/supplier. */
export const supplierErrors = {
  invalidStake: register("supplier", 1101, "invalid supplier stake"),
  invalidAddress: register("supplier", 1102, "invalid address"),
  notFound: register("supplier", 1103, "supplier not found"),
  invalidServiceConfig: register("supplier", 1104, "invalid service config"),
  isUnstaking: register("supplier", 1109, "supplier is in unbonding period"),
  serviceNotFound: register("supplier", 1111, "service not found"),
};

/** poktroll x/service. */
export const serviceErrors = {
  invalidAddress: register("service", 1102, "invalid address when adding a new service"),
  missingId: register("service", 1103, "missing service ID"),
  alreadyExists: register("service", 1105, "service already exists"),
  invalidServiceFee: register("service", 1106, "invalid service fee"),
  notEnoughFunds: register("service", 1108, "not enough funds to add service"),
  notFound: register("service", 1107, "account not found"),
};

/** poktroll x/application. */
export const applicationErrors = {
  invalidStake: register("application", 1, "invalid application stake"),
  invalidAddress: register("application", 2, "invalid application address"),
  unauthorized: register("application", 3, "unauthorized application signer"),
  notFound: register("application", 4, "application not found"),
  invalidServiceConfigs: register("application", 6, "invalid service configs"),
  gatewayNotFound: register("application", 7, "gateway not found"),
  invalidGatewayAddress: register("application", 8, "invalid gateway address"),
  alreadyDelegated: register("application", 9, "application already delegated to gateway"),
  maxDelegatedGateways: register("application", 10, "maximum number of delegated gateways reached"),
  notDelegated: register("application", 11, "application not delegated to gateway"),
};

/** poktroll x/gateway. */
export const gatewayErrors = {
  invalidAddress: register("gateway", 1101, "invalid gateway address"),
  invalidStake: register("gateway", 1102, "invalid gateway stake"),
  notFound: register("gateway", 1104, "gateway not found"),
};

/** A failed gRPC query, reported the way a cosmos node reports it through ABCI. */
export class QueryError extends Error {
  override readonly name = "QueryError";
  constructor(
    readonly grpcCode: "NotFound" | "InvalidArgument" | "Unimplemented",
    readonly registered: RegisteredError,
    desc: string,
  ) {
    super(`rpc error: code = ${grpcCode} desc = ${desc}`);
  }
}

export const notFound = (desc: string) => new QueryError("NotFound", sdkErrors.keyNotFound, desc);
export const invalidArgument = (desc: string) => new QueryError("InvalidArgument", sdkErrors.invalidRequest, desc);
export const unimplemented = (desc: string) => new QueryError("Unimplemented", sdkErrors.unknownRequest, desc);
