// cosmos PageRequest/PageResponse over an in-memory list: the next key is the next item's offset, so a
// client paging with next_key (as cosmjs and our queries do) walks the whole list exactly once.
import type { cosmos } from "../../pokt/proto/index.js";

export interface Page {
  offset: number;
  limit: number;
  countTotal: boolean;
}

const DEFAULT_LIMIT = 100;

export function pageRequest(request: cosmos.PageRequest | undefined): Page {
  let offset = Number(request?.offset ?? 0n);
  if (request && request.key.length > 0) offset = Number(new TextDecoder().decode(request.key));
  const limit = request && request.limit > 0n ? Number(request.limit) : DEFAULT_LIMIT;
  return { offset: Number.isFinite(offset) && offset >= 0 ? offset : 0, limit, countTotal: request?.countTotal ?? false };
}

export function paginate<T>(items: readonly T[], page: Page): { items: T[]; pagination: cosmos.PageResponse } {
  const slice = items.slice(page.offset, page.offset + page.limit);
  const nextOffset = page.offset + slice.length;
  return {
    items: slice,
    pagination: {
      nextKey: nextOffset < items.length ? new TextEncoder().encode(String(nextOffset)) : new Uint8Array(0),
      total: page.countTotal || page.offset === 0 ? BigInt(items.length) : 0n,
    },
  };
}
