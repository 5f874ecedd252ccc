// The RelayMinerError codes a gateway sees (docs/protocol.md §3.2). PATH records the codespace and code of every
// failed relay and sanctions endpoints by them, so these numbers are the Go RelayMiner's registered ones.
import type { RelayMinerError } from "../pokt/proto/service.js";

export interface RegisteredRelayError {
  readonly codespace: string;
  readonly code: number;
  /** The registered error's text (Go's `Error()` of the unwrapped error). */
  readonly description: string;
}

function registered(codespace: string, code: number, description: string): RegisteredRelayError {
  return { codespace, code, description };
}

/** Every error this miner replies with, by purpose. */
export const RelayErrors = {
  invalidSessionInRequest: registered("relayer_proxy", 1, "invalid session in relayer request"),
  servicesConfigsUndefined: registered("relayer_proxy", 2, "services configurations are undefined"),
  serviceNotHandled: registered("relayer_proxy", 3, "service endpoint not handled by relayer proxy"),
  unsupportedTransport: registered("relayer_proxy", 4, "unsupported proxy transport type"),
  internal: registered("relayer_proxy", 5, "internal error"),
  unknownSession: registered("relayer_proxy", 6, "relayer proxy encountered unknown session"),
  rateLimited: registered("relayer_proxy", 7, "offchain rate limit hit by relayer proxy"),
  relayCost: registered("relayer_proxy", 8, "failed to calculate relay cost"),
  supplierNotReachable: registered("relayer_proxy", 9, "supplier(s) not reachable"),
  timeout: registered("relayer_proxy", 10, "relayer proxy request timed out"),
  maxBodyExceeded: registered("relayer_proxy", 11, "max body size exceeded"),
  responseLimitExceeded: registered("relayer_proxy", 12, "response limit exceeded"),
  requestLimitExceeded: registered("relayer_proxy", 13, "request limit exceeded"),
  unmarshalRequest: registered("relayer_proxy", 14, "failed to unmarshal relay request"),
  authInvalidSession: registered("relay_authenticator", 1, "invalid session in relayer request"),
  authSupplierNotInSession: registered("relay_authenticator", 2, "supplier does not belong to session"),
  authUndefinedSigner: registered("relay_authenticator", 3, "supplier signing key names are undefined"),
  authInvalidRequest: registered("relay_authenticator", 4, "invalid relay request"),
  authInvalidResponse: registered("relay_authenticator", 5, "invalid relay response"),
  authOperatorMissing: registered("relay_authenticator", 6, "supplier operator address is missing"),
  ringNotSecp256k1: registered("rings", 1, "key is not a secp256k1 public key"),
  ringInvalidRequest: registered("rings", 2, "invalid relay request"),
  ringInvalidSignature: registered("rings", 3, "invalid relay request signature"),
  unregistered: registered("undefined", 0, "Unregistered error"),
} as const satisfies Record<string, RegisteredRelayError>;

export type RelayErrorName = keyof typeof RelayErrors;

/** A refused or failed relay: the registered error plus what went wrong with this request. */
export class RelayFailure extends Error {
  override readonly name = "RelayFailure";
  readonly registered: RegisteredRelayError;

  constructor(
    readonly kind: RelayErrorName,
    readonly detail: string,
  ) {
    // cosmossdk.io/errors formats a wrapped error as "<wrap message>: <registered description>".
    super(detail ? `${detail}: ${RelayErrors[kind].description}` : RelayErrors[kind].description);
    this.registered = RelayErrors[kind];
  }

  toProto(): RelayMinerError {
    return {
      codespace: this.registered.codespace,
      code: this.registered.code,
      description: this.registered.description,
      message: this.message,
    };
  }
}

/** Any thrown value as a RelayFailure; unexpected errors become `internal` without leaking a stack. */
export function asRelayFailure(error: unknown): RelayFailure {
  if (error instanceof RelayFailure) return error;
  return new RelayFailure("internal", error instanceof Error ? error.message : String(error));
}

/** Label used in metrics and the ledger, e.g. `relayer_proxy:14`. */
export function errorLabel(error: RegisteredRelayError): string {
  return `${error.codespace}:${error.code}`;
}
