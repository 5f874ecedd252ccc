import { useEffect, useMemo, useState, type FormEvent } from "react";
import type { SharingStatus } from "../../../../shared/api/sharing.js";
import { formatBytes } from "../../../../shared/format.js";
import { useApi } from "../../api/api-context.js";
import { useAction } from "../../hooks/useAction.js";
import { useNow } from "../../hooks/useNow.js";
import { Badge } from "../../kit/Badge.js";
import { Button } from "../../kit/Button.js";
import { Field } from "../../kit/Field.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { PassphraseConfirm } from "../../kit/PassphraseConfirm.js";
import { refreshSharing, useSharing } from "../../stores/sharing-store.js";
import { useWallet } from "../../stores/wallet-store.js";
import { formatAgo } from "../../view-models/format.js";
import { draftOf, opensBeyondLoopback, parseDraft, peerState, shortCid, type SharingDraft } from "../../view-models/sharing.js";
import { SaveRow } from "./SaveRow.js";
import { useSectionDraft } from "./useSectionDraft.js";

/**
 * LAN model sharing: the read-only gateway that serves installed models to other PocketForge machines (off until the
 * owner turns it on; the wallet passphrase is asked when it starts listening beyond this computer), its limits, mDNS,
 * and the peers found by mDNS or listed by hand.
 */
export function SharingCard() {
  const api = useApi();
  const status = useSharing((s) => s.status);
  const readError = useSharing((s) => s.error);
  useEffect(() => {
    if (!status) void refreshSharing(api);
  }, []);
  if (readError && !status) return <ErrorMessage error={new Error(readError)} title="Could not read the sharing settings." />;
  if (!status) return <p className="muted">Reading the sharing settings…</p>;
  return (
    <div className="stack" data-testid="sharing-card">
      <GatewayFacts status={status} />
      <SharingForm status={status} />
      <PeerList status={status} />
    </div>
  );
}

function GatewayFacts({ status }: { status: SharingStatus }) {
  const { gateway, mdns } = status;
  return (
    <div className="stack">
      <div className="row row-center">
        <span>Gateway:</span>
        <span data-testid="sharing-gateway-state">
          {gateway.state === "listening" ? <Badge tone="ok">serving</Badge> : gateway.state === "failed" ? <Badge tone="error">failed</Badge> : <Badge>off</Badge>}
        </span>
        {gateway.urls.map((url) => (
          <code key={url} data-testid="sharing-gateway-url">
            {url}
          </code>
        ))}
      </div>
      {gateway.state === "failed" && gateway.error && (
        <Message tone="error" title="The gateway could not listen." next="Choose another address or port below, or free that port." testId="sharing-gateway-error">
          {gateway.error}
        </Message>
      )}
      {gateway.state === "listening" && (
        <p className="small muted" data-testid="sharing-counters">
          {gateway.models} model{gateway.models === 1 ? "" : "s"} shared · {gateway.blocksServed} block{gateway.blocksServed === 1 ? "" : "s"} ({formatBytes(gateway.bytesServed)}) served · {gateway.refused} request{gateway.refused === 1 ? "" : "s"} refused
        </p>
      )}
      <p className="small muted">
        mDNS: {mdns.announcing ? "announcing this gateway" : "not announcing"} · {mdns.browsing ? "looking for peers" : "not looking for peers"}
      </p>
      {mdns.error && (
        <Message tone="warn" title="mDNS is not working." next="List peers by hand below (rig networks often block multicast).">
          {mdns.error}
        </Message>
      )}
    </div>
  );
}

function SharingForm({ status }: { status: SharingStatus }) {
  const api = useApi();
  const hasWallet = useWallet((s) => (s.snapshot?.state ?? "absent") !== "absent");
  // One draft object per saved settings object: a new one at each render would replace the draft at each render.
  const saved = useMemo(() => draftOf(status.settings), [status.settings]);
  const { draft, setDraft, dirty, reset } = useSectionDraft<SharingDraft>(saved);
  const [passphrase, setPassphrase] = useState("");
  const [done, setDone] = useState(false);
  const [showProblems, setShowProblems] = useState(false);
  const save = useAction(async (settings: ReturnType<typeof parseDraft>["settings"]) => {
    const next = await api.invoke("sharing.update", { ...settings, ...(passphrase ? { passphrase } : {}) });
    useSharing.setState({ status: next, error: null });
    setPassphrase("");
    reset();
    setDone(true);
  });
  if (!draft) return null;
  const parsed = parseDraft(draft);
  const problems = showProblems ? parsed.problems : {};
  const asksPassphrase = hasWallet && opensBeyondLoopback(status.settings, parsed.settings);
  const change = (patch: Partial<SharingDraft>) => {
    setDone(false);
    save.clearError();
    setDraft({ ...draft, ...patch });
  };
  function submit(event: FormEvent) {
    event.preventDefault();
    setShowProblems(true);
    if (Object.keys(parsed.problems).length > 0) return;
    if (asksPassphrase && !passphrase) return;
    void save.run(parsed.settings);
  }

  return (
    <form className="stack" onSubmit={submit} data-testid="sharing-form">
      <label className="check">
        <input type="checkbox" checked={draft.serve} onChange={(e) => change({ serve: e.target.checked })} />
        <span>Share installed models with PocketForge machines on this network (a read-only gateway)</span>
      </label>
      <div className="row">
        <Field label="Listen address" hint="0.0.0.0 for every interface, this machine's LAN address, or 127.0.0.1 for this computer only." error={problems.host}>
          {(control) => <input {...control} spellCheck={false} value={draft.host} onChange={(e) => change({ host: e.target.value })} />}
        </Field>
        <Field label="Port (TCP)" hint="8644 by default." error={problems.port}>
          {(control) => <input {...control} inputMode="numeric" value={draft.port} onChange={(e) => change({ port: e.target.value })} />}
        </Field>
      </div>
      <div className="row">
        <Field label="Upload cap (MiB/s, all peers together)" hint="Empty for no cap." error={problems.uploadLimitMiBps}>
          {(control) => <input {...control} inputMode="decimal" placeholder="no cap" value={draft.uploadLimitMiBps} onChange={(e) => change({ uploadLimitMiBps: e.target.value })} />}
        </Field>
        <Field label="Rate limit per peer (requests/s)" hint="A burst of the same size is allowed; more are answered 429." error={problems.perPeerRequestsPerSecond}>
          {(control) => <input {...control} inputMode="numeric" value={draft.perPeerRequestsPerSecond} onChange={(e) => change({ perPeerRequestsPerSecond: e.target.value })} />}
        </Field>
      </div>
      <label className="check">
        <input type="checkbox" checked={draft.announce} onChange={(e) => change({ announce: e.target.checked })} />
        <span>Announce the gateway on this network (mDNS) while it serves</span>
      </label>
      <label className="check">
        <input type="checkbox" checked={draft.discover} onChange={(e) => change({ discover: e.target.checked })} />
        <span>Look for other PocketForge gateways (mDNS)</span>
      </label>
      <label className="check">
        <input type="checkbox" checked={draft.usePeers} onChange={(e) => change({ usePeers: e.target.checked })} />
        <span>Download models from peers first (every block is checked against its CID)</span>
      </label>
      {asksPassphrase && (
        <>
          <Message tone="warn" title={`This lets other machines on your network read your installed models on ${parsed.settings.host}:${parsed.settings.port}.`}>
            The gateway is read-only and serves nothing but installed models' blocks.
          </Message>
          <PassphraseConfirm value={passphrase} onChange={setPassphrase} />
        </>
      )}
      <SaveRow
        dirty={dirty}
        busy={save.busy}
        error={save.error}
        onDiscard={() => {
          reset();
          setShowProblems(false);
          setPassphrase("");
        }}
        saved={done}
      />
    </form>
  );
}

function PeerList({ status }: { status: SharingStatus }) {
  const api = useApi();
  const now = useNow(30_000);
  const [url, setUrl] = useState("");
  const update = useAction(async (peers: string[]) => {
    const next = await api.invoke("sharing.update", { peers });
    useSharing.setState({ status: next, error: null });
    return next;
  });
  const check = useAction(async () => {
    const next = await api.invoke("sharing.checkPeers", {});
    useSharing.setState({ status: next, error: null });
    return next;
  });
  const listed = status.settings.peers;
  async function add(event: FormEvent) {
    event.preventDefault();
    const typed = url.trim().replace(/\/+$/, "");
    if (!typed) return;
    if (listed.some((p) => p.replace(/\/+$/, "") === typed)) {
      setUrl("");
      return;
    }
    if (await update.run([...listed, typed])) setUrl("");
  }

  return (
    <div className="stack" data-testid="sharing-peers">
      <div className="row row-center">
        <div className="field-label">Peers</div>
        <span className="spacer" />
        <Button size="small" variant="secondary" busy={check.busy} onClick={() => void check.run()}>
          Check peers now
        </Button>
      </div>
      {check.error != null && <ErrorMessage error={check.error} title="The peers could not be checked." />}
      {status.peers.length === 0 ? (
        <p className="muted small">No peer yet: none found by mDNS and none listed by hand.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Peer</th>
                <th scope="col">Found by</th>
                <th scope="col">State</th>
                <th scope="col" className="num">Models offered</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {status.peers.map((peer) => {
                const state = peerState(peer);
                return (
                  <tr key={peer.id} data-testid="sharing-peer">
                    <td>
                      <div>{peer.name}</div>
                      <code className="small">{peer.url}</code>
                    </td>
                    <td className="small">{peer.origin === "mdns" ? "mDNS" : "listed by hand"}</td>
                    <td className="small" data-testid="sharing-peer-state">
                      <Badge tone={state.tone}>{state.label}</Badge>
                      {peer.seenAt !== null && <span className="muted"> {formatAgo(peer.seenAt, now)}</span>}
                      {peer.error && <div className="field-error">{peer.error}</div>}
                    </td>
                    <td className="num small">
                      {peer.cids.length}
                      {peer.cids.length > 0 && (
                        <div className="muted">
                          {peer.cids.map((cid) => (
                            <div key={cid} title={cid}>
                              <code>{shortCid(cid)}</code>
                            </div>
                          ))}
                        </div>
                      )}
                    </td>
                    <td>
                      {peer.origin === "manual" && (
                        <Button size="small" variant="ghost" disabled={update.busy} onClick={() => void update.run(listed.filter((p) => p.replace(/\/+$/, "") !== peer.url))}>
                          Remove
                        </Button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <form className="row" onSubmit={(e) => void add(e)}>
        <Field className="grow" label="Add a peer by address" hint="Its gateway, http://address:port (for networks without multicast).">
          {(control) => <input {...control} spellCheck={false} placeholder="http://192.168.1.20:8644" value={url} onChange={(e) => setUrl(e.target.value)} />}
        </Field>
        <Button type="submit" variant="secondary" busy={update.busy} disabled={!url.trim()}>
          Add peer
        </Button>
      </form>
      {update.error != null && <ErrorMessage error={update.error} title="The peer list was not changed." />}
    </div>
  );
}
