import { useEffect, useRef, useState, type FormEvent } from "react";
import type { StakeRequest, TxEstimate } from "../../../../shared/api/staking.js";
import { formatUpokt } from "../../../../shared/format.js";
import { useApi } from "../../api/api-context.js";
import { Button } from "../../kit/Button.js";
import { Field } from "../../kit/Field.js";
import { PassphraseConfirm } from "../../kit/PassphraseConfirm.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { useAction } from "../../hooks/useAction.js";
import { useChain } from "../../stores/chain-store.js";
import { refreshStaking, useStaking } from "../../stores/staking-store.js";
import { useWallet } from "../../stores/wallet-store.js";
import { parsePokt, poktInput, revShareProblem, type RevShareRow } from "../../view-models/staking.js";
import { ExternalStake } from "./ExternalStake.js";
import { stakeNetwork } from "./OperatorOnlyStake.js";
import { FundsRow } from "./FundsRow.js";
import { RevShareEditor } from "./RevShareEditor.js";
import { ServiceCheck } from "./ServiceCheck.js";
import { TxProgressView } from "./TxProgressView.js";

/**
 * Staking (or updating) the supplier: service, amount (the chain's minimum to start with), rev-share, the fee and a
 * balance check (with the faucet on localnet), an explicit confirmation, then progress until a block includes it.
 */
export function StakeForm({ serviceId: initialService, onStaked }: { serviceId: string | null; onStaked?: () => void }) {
  const api = useApi();
  const params = useStaking((s) => s.params);
  const supplier = useStaking((s) => s.supplier);
  const endpoint = useStaking((s) => s.endpoint);
  const tx = useStaking((s) => s.tx);
  const network = useChain((s) => s.status?.network ?? null);
  const wallet = useWallet((s) => s.snapshot);
  const [serviceId, setServiceIdState] = useState(initialService ?? supplier?.services[0]?.serviceId ?? "");
  const [amount, setAmount] = useState("");
  const [revShare, setRevShare] = useState<RevShareRow[] | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [passphrase, setPassphrase] = useState("");
  const [estimate, setEstimate] = useState<TxEstimate | null>(null);
  const [estimateError, setEstimateError] = useState<unknown>(null);
  // Bumped when money or the chain changed under the same request (faucet, service registered): estimate again.
  const [nonce, setNonce] = useState(0);
  const [serviceExists, setServiceExists] = useState<boolean | null>(null);
  // Another service is unknown until its lookup answers: nothing is estimated for it before.
  const setServiceId = (id: string) => {
    if (id !== serviceId) setServiceExists(null);
    setServiceIdState(id);
  };

  // Prefill with what is staked now, else the chain's minimum stake.
  useEffect(() => {
    if (amount || !params) return;
    setAmount(poktInput(supplier ? supplier.stakeUpokt : params.minStakeUpokt));
  }, [params, supplier]);
  // The suggested service follows the network's services as they arrive, until the person types one.
  const serviceEdited = useRef(false);
  useEffect(() => {
    if (!serviceEdited.current && initialService) setServiceId(initialService);
  }, [initialService]);

  const parsed = parsePokt(amount);
  const amountProblem = "error" in parsed ? parsed.error : params && parsed.upokt < BigInt(params.minStakeUpokt) ? `The minimum stake on this network is ${formatUpokt(params.minStakeUpokt)}.` : null;
  const shareProblem = revShare ? revShareProblem(revShare) : null;
  const endpointUrl = endpoint?.publicUrl ?? null;
  const request: StakeRequest | null =
    !amountProblem && !shareProblem && serviceId && serviceExists && endpointUrl && "upokt" in parsed
      ? { stakeUpokt: parsed.upokt.toString(), serviceId, endpointUrl, ...(revShare ? { revShare: revShare.map((r) => ({ address: r.address.trim(), percent: r.percent })) } : {}) }
      : null;
  const requestKey = request ? JSON.stringify(request) : "";

  async function runEstimate(): Promise<void> {
    if (!request) return setEstimate(null);
    try {
      setEstimate(await api.invoke("staking.estimateStake", request));
      setEstimateError(null);
    } catch (error) {
      setEstimate(null);
      setEstimateError(error);
    }
  }
  useEffect(() => {
    setConfirmed(false);
    const timer = setTimeout(() => void runEstimate(), 300);
    return () => clearTimeout(timer);
  }, [requestKey, nonce]);

  const stake = useAction(async (value: StakeRequest) => {
    const result = await api.invoke("staking.stake", { ...value, passphrase });
    setPassphrase("");
    await refreshStaking(api);
    onStaked?.();
    return result;
  });

  if (!params || !endpoint || !wallet) return <p className="muted">Reading the chain's staking rules…</p>;
  // Who pays: the owner's account when its key is here (it pays the stake), else the operator.
  const payer = wallet.owner && wallet.owner.custody !== "external" ? wallet.owner.address : wallet.operatorAddress ?? "";
  if (wallet.owner?.custody === "external") {
    // Staking again keeps the rev-share list on chain (an operator-only stake's split), unless there is none yet.
    const staked = supplier?.services.find((s) => s.serviceId === serviceId)?.revShare;
    const stakedShares = staked && staked.length > 0 ? Object.fromEntries(staked.map((r) => [r.address, r.percent])) : null;
    return (
      <ExternalStake
        build={() =>
          api.invoke("wallet.stakeCommand", {
            stakeUpokt: "upokt" in parsed ? parsed.upokt.toString() : params.minStakeUpokt,
            services: [{ serviceId, endpoints: [{ publiclyExposedUrl: endpointUrl ?? "", rpcType: "REST" }], ...(stakedShares ? { revSharePercent: stakedShares } : {}) }],
            network: stakeNetwork(useChain.getState().status),
          })
        }
      />
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (request && confirmed && passphrase && estimate?.enough) void stake.run(request);
  }
  const stakeTx = tx && tx.kind === "stake" ? tx : null;

  return (
    <form className="stack" onSubmit={submit} data-testid="stake-form">
      <div className="grid">
        <Field label="Service" hint="The POKT service gateways reach you by: ai-inference on mainnet and beta (any model name is answered by yours), or a model's own service where the chain has it.">
          {(control) => (
            <input
              {...control}
              spellCheck={false}
              value={serviceId}
              onChange={(e) => {
                serviceEdited.current = true;
                setServiceId(e.target.value.trim());
              }}
            />
          )}
        </Field>
        <Field label="Stake (POKT)" error={amount ? amountProblem : null} hint={`Minimum on this network: ${formatUpokt(params.minStakeUpokt)}.`}>
          {(control) => <input {...control} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />}
        </Field>
      </div>
      <FundsRow address={payer} onFunded={() => setNonce((n) => n + 1)} refreshKey={nonce} />
      {serviceId && <ServiceCheck serviceId={serviceId} onRegistered={() => setNonce((n) => n + 1)} onStatus={setServiceExists} />}
      {!endpointUrl && <Message tone="warn" next={<a href="#/setup/endpoint">Set it in the Endpoint step.</a>}>No public endpoint is set yet.</Message>}
      {endpointUrl && (
        <p className="small">
          Endpoint: <code>{endpointUrl}</code>
        </p>
      )}
      <RevShareEditor value={revShare} onChange={setRevShare} ownerAddress={wallet.owner?.address ?? wallet.operatorAddress ?? ""} problem={shareProblem} />
      {estimateError != null && <ErrorMessage error={estimateError} title="The fee could not be estimated." />}
      {request && estimate && (
        <dl className="facts" data-testid="stake-estimate">
          <dt>Paid by</dt>
          <dd className="address">{estimate.signerAddress}</dd>
          <dt>Balance</dt>
          <dd data-testid="stake-balance">{formatUpokt(estimate.balanceUpokt)}</dd>
          <dt>Added to the stake</dt>
          <dd>{formatUpokt(estimate.amountUpokt)}</dd>
          <dt>Fee</dt>
          <dd data-testid="stake-fee">{formatUpokt(estimate.feeUpokt)} (gas {estimate.gas.toLocaleString("en-US")} + staking fee {formatUpokt(params.stakingFeeUpokt)})</dd>
        </dl>
      )}
      {request && estimate && !estimate.enough && (
        <Message
          tone="warn"
          title={`${formatUpokt(estimate.shortfallUpokt)} missing.`}
          next={network === "localnet" ? "Use the faucet button above: it pays test POKT at once." : `Send at least that much to ${estimate.signerAddress}, then check again.`}
          testId="stake-shortfall"
        >
          The account that stakes needs the stake increase plus the fee.
        </Message>
      )}
      {/* The estimate may still be the previous request's for a moment after a change: only a current request is offered. */}
      {request && estimate?.enough && (
        <label className="check">
          <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />
          <span>
            Stake {formatUpokt(request.stakeUpokt)} for <code>{serviceId}</code> on {network}. The stake stays locked while I serve, and
            returns {params.unbondingPeriodSessions} session{params.unbondingPeriodSessions === 1 ? "" : "s"} after I unstake.
          </span>
        </label>
      )}
      {request && estimate?.enough && confirmed && <PassphraseConfirm value={passphrase} onChange={setPassphrase} />}
      {stakeTx && <TxProgressView tx={stakeTx} label="Stake transaction" />}
      {stake.error != null && <ErrorMessage error={stake.error} title="The stake was not made." />}
      <div className="row">
        <Button type="submit" busy={stake.busy} busyLabel="Staking…" disabled={!request || !estimate?.enough || !confirmed || !passphrase}>
          {supplier ? "Update stake" : "Stake"}
        </Button>
      </div>
    </form>
  );
}
