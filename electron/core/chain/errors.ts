// Turns a chain's raw failure (ABCI code, codespace, raw log) into one sentence a person can act on. The
// registered (codespace, code, description) triples are the chain's wire-visible errors (cosmos-sdk and
// poktroll x/*); the raw log is always kept alongside for the logs.

export type ChainFailureReason =
  | "insufficient_funds"
  | "insufficient_fee"
  | "out_of_gas"
  | "sequence_mismatch"
  | "signature_invalid"
  | "signer_mismatch"
  | "tx_expired"
  | "unknown_message"
  | "claim_outside_window"
  | "proof_outside_window"
  | "proof_not_required"
  | "compute_units_mismatch"
  | "proof_fee_unpaid"
  | "proof_invalid"
  | "claim_not_found"
  | "session_mismatch"
  | "supplier_not_in_session"
  | "stake_invalid"
  | "service_config_invalid"
  | "supplier_unstaking"
  | "address_invalid"
  | "not_found"
  | "service_fee_unpaid"
  | "service_exists"
  | "delegation_invalid"
  | "rejected";

interface KnownFailure {
  codespace: string;
  code: number;
  /** The registered description, also used to recognise the failure when only the log survives. */
  description: string;
  reason: ChainFailureReason;
  advice: string;
}

const KNOWN: readonly KnownFailure[] = [
  { codespace: "sdk", code: 5, description: "insufficient funds", reason: "insufficient_funds",
    advice: "The account does not hold enough upokt for this transaction (stake, fee or transfer). Fund it and try again." },
  { codespace: "sdk", code: 13, description: "insufficient fee", reason: "insufficient_fee",
    advice: "The fee is below the network's minimum gas price. Let PocketForge estimate the fee, or raise the one you set." },
  { codespace: "sdk", code: 11, description: "out of gas", reason: "out_of_gas",
    advice: "The transaction ran out of gas. Retry with a larger gas margin." },
  { codespace: "sdk", code: 32, description: "incorrect account sequence", reason: "sequence_mismatch",
    advice: "Another transaction from this account was processed first (sequence mismatch). Retry: it will use the new sequence." },
  { codespace: "sdk", code: 4, description: "unauthorized", reason: "signature_invalid",
    advice: "The chain rejected the signature. Check that you are on the intended network (chain id) and that the wallet account is the signer." },
  { codespace: "sdk", code: 8, description: "invalid pubkey", reason: "signer_mismatch",
    advice: "The key that signed is not the key of the address that must sign this message. Sign with that account." },
  { codespace: "sdk", code: 30, description: "tx timeout height", reason: "tx_expired",
    advice: "The transaction expired (its timeout height passed) before a block included it. Send it again." },
  { codespace: "sdk", code: 2, description: "tx parse error", reason: "unknown_message",
    advice: "The node does not understand this transaction (unknown message type): it may run an older chain version." },
  { codespace: "proof", code: 1121, description: "claim attempted outside of the session's claim window", reason: "claim_outside_window",
    advice: "The claim window of this session is not open (or has closed). Claims are accepted only between the session's claim-window open and close heights." },
  { codespace: "proof", code: 1122, description: "proof attempted outside of the session's proof window", reason: "proof_outside_window",
    advice: "The proof window of this session is not open (or has closed). Proofs are accepted only between the session's proof-window open and close heights." },
  { codespace: "proof", code: 1129, description: "proof not required", reason: "proof_not_required",
    advice: "The chain does not require a proof for this claim, and an unrequired proof fails the whole transaction. Nothing needs to be sent." },
  { codespace: "proof", code: 1126, description: "mismatch: claim compute units != number of relays * service compute units per relay", reason: "compute_units_mismatch",
    advice: "The claim's compute units do not equal relays × the service's compute units per relay at the session start. The session tree was built with a wrong weight." },
  { codespace: "proof", code: 1127, description: "not enough funds to submit proof", reason: "proof_fee_unpaid",
    advice: "The operator account cannot pay the proof submission fee. Fund the operator account before the proof window closes." },
  { codespace: "proof", code: 1108, description: "invalid proof", reason: "proof_invalid",
    advice: "The proof is malformed or does not match the claim." },
  { codespace: "proof", code: 1109, description: "invalid relay", reason: "proof_invalid",
    advice: "The relay inside the proof is invalid (not mined under the service's difficulty, or malformed)." },
  { codespace: "proof", code: 1106, description: "claim not found", reason: "claim_not_found",
    advice: "There is no claim for this session and supplier: a proof needs its claim first." },
  { codespace: "proof", code: 1115, description: "invalid session header", reason: "session_mismatch",
    advice: "The session header does not match the chain's session (application, service, heights or id)." },
  { codespace: "proof", code: 1116, description: "invalid session ID", reason: "session_mismatch",
    advice: "The session id does not match the chain's session for that application, service and height." },
  { codespace: "proof", code: 1102, description: "supplier not found", reason: "supplier_not_in_session",
    advice: "This supplier is not part of that session, so it cannot claim or prove it." },
  { codespace: "supplier", code: 1101, description: "invalid supplier stake", reason: "stake_invalid",
    advice: "The supplier stake is invalid: it must be at least the network's minimum stake (supplier params)." },
  { codespace: "supplier", code: 1104, description: "invalid service config", reason: "service_config_invalid",
    advice: "A service configuration is invalid (endpoint URL, RPC type, or revenue shares that must total 100%)." },
  { codespace: "supplier", code: 1109, description: "supplier is in unbonding period", reason: "supplier_unstaking",
    advice: "The supplier is unstaking. Only the owner can cancel an unstake by staking again." },
  { codespace: "supplier", code: 1102, description: "invalid address", reason: "address_invalid",
    advice: "An address in the message is not acceptable: malformed (not a pokt1… bech32 address), a module account, or not allowed to sign this message. Check the owner, operator and signer addresses." },
  { codespace: "supplier", code: 1103, description: "supplier not found", reason: "not_found",
    advice: "No supplier is staked with that operator address." },
  { codespace: "supplier", code: 1111, description: "service not found", reason: "not_found",
    advice: "The service id is not registered on this network. Add the service first, or pick an existing one." },
  { codespace: "service", code: 1108, description: "not enough funds to add service", reason: "service_fee_unpaid",
    advice: "Adding a service costs the add-service fee, and the balance must be strictly greater than it. Fund the owner account." },
  { codespace: "service", code: 1105, description: "service already exists", reason: "service_exists",
    advice: "A service with this id exists and belongs to another owner. Pick another id." },
  { codespace: "application", code: 1, description: "invalid application stake", reason: "stake_invalid",
    advice: "The application stake is invalid: at least the minimum stake, and it cannot decrease." },
  { codespace: "application", code: 7, description: "gateway not found", reason: "delegation_invalid",
    advice: "The gateway is not staked, so the application cannot delegate to it." },
  { codespace: "application", code: 9, description: "application already delegated to gateway", reason: "delegation_invalid",
    advice: "The application already delegates to this gateway." },
  { codespace: "application", code: 10, description: "maximum number of delegated gateways reached", reason: "delegation_invalid",
    advice: "The application delegates to the maximum number of gateways already." },
  { codespace: "gateway", code: 1102, description: "invalid gateway stake", reason: "stake_invalid",
    advice: "The gateway stake is invalid: at least the minimum stake, and every stake must increase it." },
];

export interface ChainFailureInput {
  code: number;
  codespace?: string;
  log: string;
}

export interface ChainFailure {
  reason: ChainFailureReason;
  /** One actionable sentence, followed by the chain's own words. */
  message: string;
  code: number;
  codespace: string;
  rawLog: string;
}

/** The chain's words without the SDK's routing prefix ("failed to execute message; message index: 0: "). */
function chainWords(log: string): string {
  return log.replace(/^failed to execute message; message index: \d+: /, "").trim();
}

export function explainChainFailure(input: ChainFailureInput): ChainFailure {
  const log = input.log ?? "";
  const codespace = input.codespace ?? "";
  const known =
    KNOWN.find((k) => k.codespace === codespace && k.code === input.code) ??
    // cosmjs drops the codespace of failed queries (e.g. a failed simulation): recognise the registered text.
    (codespace === "" ? KNOWN.find((k) => log.includes(k.description)) : undefined);
  const words = chainWords(log);
  if (known === undefined) {
    return {
      reason: "rejected",
      message: `The chain rejected the transaction${words ? `: ${words}` : ` (code ${input.code})`}`,
      code: input.code,
      codespace,
      rawLog: log,
    };
  }
  return {
    reason: known.reason,
    message: words ? `${known.advice} (chain: ${words})` : known.advice,
    code: input.code,
    codespace: known.codespace,
    rawLog: log,
  };
}

/** A transaction the chain refused (at CheckTx, simulation or in its block). */
export class ChainTxError extends Error {
  override readonly name = "ChainTxError";
  readonly reason: ChainFailureReason;
  readonly code: number;
  readonly codespace: string;
  readonly rawLog: string;

  constructor(
    failure: ChainFailure,
    readonly stage: "simulate" | "check" | "deliver",
    readonly txHash?: string,
    readonly height?: number,
  ) {
    super(failure.message);
    this.reason = failure.reason;
    this.code = failure.code;
    this.codespace = failure.codespace;
    this.rawLog = failure.rawLog;
  }
}

/** A node that cannot be reached or answered something unusable. */
export class ChainUnavailableError extends Error {
  override readonly name = "ChainUnavailableError";
}

const QUERY_FAILURE = /^Query failed with \((\d+)\): ([\s\S]*)$/;

/** cosmjs reports a failed ABCI query as `Query failed with (<code>): <log>`; pick those apart. */
export function parseQueryFailure(error: unknown): ChainFailureInput | undefined {
  const text = error instanceof Error ? error.message : String(error);
  const match = QUERY_FAILURE.exec(text);
  if (match === null) return undefined;
  return { code: Number(match[1]), log: match[2] };
}

/** True for the gRPC NotFound a missing record (account, supplier, claim…) is reported with. */
export function isNotFoundError(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /rpc error: code = NotFound/i.test(text);
}
