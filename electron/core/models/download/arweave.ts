import { formatBytes } from "../../../../shared/format.js";
import { DownloadError, describeError, throwIfStopped } from "./errors.js";
import { downloadWithRanges, type RangeDownloadOptions, type RangeDownloadResult } from "./http-range.js";

/** Arweave mines a block roughly every two minutes: used to say how long to wait for more confirmations. */
const ARWEAVE_BLOCK_SECONDS = 120;

export interface ArweaveDownloadOptions extends Omit<RangeDownloadOptions, "urls"> {
  txId: string;
  /** Gateway base URLs, e.g. https://arweave.net, tried in order. */
  gateways: string[];
  /** A transaction with fewer confirmations is refused: a fork could still drop or replace it. */
  minConfirmations: number;
}

export interface ArweaveDownloadResult extends RangeDownloadResult {
  confirmations: number;
}

interface TxStatus {
  confirmations: number;
  gateway: string;
}

/**
 * Downloads an Arweave transaction's data through gateways: first `GET /tx/{id}/status` (refusing a pending or
 * shallow transaction), then `GET /{id}` with Range resume. A gateway that does not serve `/{id}` is asked for
 * `/tx/{id}/data` (base64url, no Range) as a last resort.
 */
export async function downloadFromArweave(options: ArweaveDownloadOptions): Promise<ArweaveDownloadResult> {
  const gateways = options.gateways.map((g) => g.replace(/\/+$/, ""));
  const status = await confirmations(options.txId, gateways, options);
  if (status.confirmations < options.minConfirmations) {
    const missing = options.minConfirmations - status.confirmations;
    throw new DownloadError(
      "unconfirmed",
      `Arweave transaction ${options.txId} has ${status.confirmations} confirmation(s); PocketForge waits for ${options.minConfirmations} ` +
        `so a chain reorganisation cannot replace the data. Try again in about ${Math.ceil((missing * ARWEAVE_BLOCK_SECONDS) / 60)} minutes.`,
      { confirmations: status.confirmations, minConfirmations: options.minConfirmations },
    );
  }
  try {
    const result = await downloadWithRanges({ ...options, urls: gateways.map((g) => `${g}/${options.txId}`) });
    return { ...result, confirmations: status.confirmations };
  } catch (error) {
    if (!(error instanceof DownloadError) || error.reason !== "unreachable") throw error;
    const fallback = await dataEndpoint(options, gateways).catch(() => null);
    if (!fallback) throw error;
    return { ...fallback, confirmations: status.confirmations };
  }
}

async function confirmations(txId: string, gateways: string[], options: ArweaveDownloadOptions): Promise<TxStatus> {
  const problems: string[] = [];
  for (const gateway of gateways) {
    throwIfStopped(options.signal);
    try {
      const response = await options.fetch(`${gateway}/tx/${txId}/status`, { signal: options.signal });
      if (response.status === 202) {
        await response.body?.cancel();
        throw new DownloadError(
          "unconfirmed",
          `Arweave transaction ${txId} is still pending (not yet in a block). Try again in a few minutes.`,
          { confirmations: 0, minConfirmations: options.minConfirmations },
        );
      }
      if (!response.ok) {
        await response.body?.cancel();
        problems.push(`${gateway}: HTTP ${response.status}`);
        continue;
      }
      const body = (await response.json()) as { number_of_confirmations?: unknown };
      const count = Number(body.number_of_confirmations);
      if (!Number.isInteger(count) || count < 0) {
        problems.push(`${gateway}: status without number_of_confirmations`);
        continue;
      }
      return { confirmations: count, gateway };
    } catch (error) {
      if (error instanceof DownloadError) throw error;
      throwIfStopped(options.signal);
      problems.push(`${gateway}: ${describeError(error)}`);
    }
  }
  throw new DownloadError(
    "unreachable",
    `No Arweave gateway could confirm transaction ${txId} (${problems.join("; ")}). Check the transaction id and the gateway list.`,
  );
}

/** `/tx/{id}/data` answers the whole payload as base64url text: no resume, so it is only the fallback. */
async function dataEndpoint(options: ArweaveDownloadOptions, gateways: string[]): Promise<RangeDownloadResult | null> {
  for (const gateway of gateways) {
    throwIfStopped(options.signal);
    const url = `${gateway}/tx/${options.txId}/data`;
    const response = await options.fetch(url, { signal: options.signal }).catch(() => null);
    if (!response?.ok) {
      await response?.body?.cancel();
      continue;
    }
    const bytes = Buffer.from((await response.text()).trim(), "base64url");
    if (options.expectedSize !== undefined && bytes.length !== options.expectedSize) {
      throw new DownloadError(
        "substituted",
        `${new URL(url).host} returned ${formatBytes(bytes.length)} for transaction ${options.txId}, not the ${options.expectedSize} bytes the catalog lists.`,
      );
    }
    options.onSource?.(url);
    await options.writer.reset();
    options.onRestart?.();
    await options.reserve(bytes.length, 0);
    await options.writer.append(bytes);
    options.onBytes(bytes.length);
    return { url, bytesTransferred: bytes.length };
  }
  return null;
}
