import type { ReactNode } from "react";
import { formatBytes } from "../../../../shared/format.js";
import { Badge } from "../../kit/Badge.js";
import type { CatalogRow } from "../../view-models/catalog.js";
import { formatParameters, formatTokensPerSecond } from "../../view-models/format.js";
import { DownloadStatus } from "./DownloadStatus.js";

/** One catalog model: what it is, whether it fits this machine and is hash-verified, what it should earn. */
export function CatalogItem({ row, actions, serviceOnChain = null }: { row: CatalogRow; actions: ReactNode; serviceOnChain?: boolean | null }) {
  const { entry, best, badge } = row;
  const showDownload = row.download && row.download.state !== "completed";
  return (
    <li className={`catalog-item${row.recommended ? " catalog-item-recommended" : ""}`} data-testid={`catalog-${entry.id}`}>
      <div className="catalog-main">
        <div className="choice-title">
          <span>{entry.name}</span>
          {row.recommended && <Badge tone="accent">Recommended</Badge>}
          {badge && (
            <Badge tone={badge.tone} title={badge.reason}>
              {badge.text}
            </Badge>
          )}
          {entry.verified ? (
            <Badge tone="ok" title="The catalog pins this file's sha256: the download is checked byte for byte.">
              verified
            </Badge>
          ) : (
            <Badge tone="warn" title="No published sha256: the file cannot be compared with a known hash.">
              unverified
            </Badge>
          )}
          {entry.testOnly && <Badge>test model</Badge>}
          {row.installed && <Badge tone="ok">installed</Badge>}
        </div>
        <div className="muted small">
          {formatParameters(entry.parameters)} parameters · {entry.quantization} · {entry.sizeBytes ? formatBytes(entry.sizeBytes) : "size unknown"} ·{" "}
          {entry.contextLength.toLocaleString("en-US")}-token context · service <code>{entry.pokt.serviceId}</code>
          {serviceOnChain === true && " (registered on this network)"}
          {serviceOnChain === false && (
            <span data-testid="service-not-on-chain" title="Serve this model under the network's bring-your-own-model service (ai-inference), or register this service for the add-service fee.">
              {" "}
              (not registered on this network)
            </span>
          )}
        </div>
        {best && best.fit !== "none" && (
          <div className="small">
            {best.tokensPerSecondSource === "measured" ? "Measured" : "Expected"} speed: <strong>{formatTokensPerSecond(best.tokensPerSecond)}</strong>
            {best.tokensPerSecondSource === "estimate" && <span className="muted"> (estimate; the benchmark measures it)</span>}
          </div>
        )}
        {badge && <div className="muted small">{capitalise(badge.reason)}.</div>}
        {entry.description && <div className="small">{entry.description}</div>}
        {showDownload && <DownloadStatus progress={row.download!} name={entry.name} />}
      </div>
      <div className="catalog-actions">{actions}</div>
    </li>
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
