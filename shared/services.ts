/**
 * The POKT services an LLM supplier cares about, as both sides of the app name them. Pure: no I/O.
 *
 * On mainnet and beta the LLM service is `ai-inference`: "bring your own model" (BYOM). Gateways never read the
 * request's `model` field and each supplier serves the model it chose, so a BYOM supplier answers whatever name a
 * request carries with its own model (docs/protocol.md §13.5). The catalog's per-model service ids exist only where
 * someone registered them (our localnet, or a network where a user paid the add-service fee); the app offers them
 * only where the chain has them.
 */

/** Mainnet's and beta's LLM service; the localnet registers it at genesis like the real chain. */
export const LLM_SERVICE_ID = "ai-inference";

/** Cards longer than this are shown cut (the chain allows 256 KiB). */
export const MAX_CARD_TEXT = 4096;

/** What a service's metadata card (`Service.metadata.card`, free-form JSON bytes) says, as far as the app reads it. */
export interface ServiceCard {
  /** The card's text (UTF-8), cut to MAX_CARD_TEXT characters. */
  text: string;
  description: string | null;
  /** e.g. ["openai-chat-completions"] */
  apis: string[];
  /** "variable" when each supplier brings its own model. */
  results: string | null;
  /** The health check's path, e.g. "/v1/models". */
  healthcheckPath: string | null;
}

/** Reads a card's bytes; null when there is none. Text that is not JSON is kept as text. */
export function parseServiceCard(bytes: Uint8Array | undefined | null): ServiceCard | null {
  if (!bytes || bytes.length === 0) return null;
  const full = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  const card: ServiceCard = { text: full.slice(0, MAX_CARD_TEXT), description: null, apis: [], results: null, healthcheckPath: null };
  let json: unknown;
  try {
    json = JSON.parse(full);
  } catch {
    return card;
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return card;
  const record = json as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === "string" ? value.slice(0, 1000) : null);
  card.description = text(record.description);
  card.apis = Array.isArray(record.apis) ? record.apis.filter((a): a is string => typeof a === "string").slice(0, 20) : [];
  card.results = text(record.results);
  const serving = record.serving as { healthcheck?: unknown } | undefined;
  const checks = Array.isArray(serving?.healthcheck) ? serving!.healthcheck : [];
  const path = (checks[0] as { request?: { path?: unknown } } | undefined)?.request?.path;
  card.healthcheckPath = text(path);
  return card;
}

/** A service whose suppliers each bring their own model: `ai-inference`, or a card that says so. */
export function isByomService(serviceId: string, card?: Pick<ServiceCard, "text"> | null): boolean {
  return serviceId === LLM_SERVICE_ID || /\bBYOM\b|bring your own model/i.test(card?.text ?? "");
}

/** A service that takes OpenAI-style LLM requests: BYOM, or a card listing an OpenAI API. */
export function isLlmService(serviceId: string, card?: Pick<ServiceCard, "text" | "apis"> | null): boolean {
  return isByomService(serviceId, card) || (card?.apis ?? []).some((api) => api.startsWith("openai-"));
}
