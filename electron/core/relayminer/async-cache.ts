import { LRUCache } from "lru-cache";

interface Entry<V> {
  promise: Promise<V>;
  /** Set once the load succeeded, so hits skip the promise machinery. */
  value?: V;
  /** Loads that failed with an error the caller chose to remember (e.g. "no such session"), with their height. */
  failedAt?: bigint;
}

/**
 * A bounded cache of asynchronous loads: concurrent misses for one key share a single load, successes stay
 * until evicted or invalidated, and failures are forgotten at once unless `rememberFailure` says otherwise
 * (then they are answered from the cache until the chain moves past the height they were seen at).
 */
export class AsyncCache<K extends {}, V> {
  private readonly entries: LRUCache<K, Entry<V>>;

  constructor(
    capacity: number,
    private readonly rememberFailure: (error: unknown) => boolean = () => false,
  ) {
    this.entries = new LRUCache({ max: capacity });
  }

  get(key: K, load: () => Promise<V>, height = 0n): Promise<V> {
    const found = this.entries.get(key);
    if (found !== undefined && (found.failedAt === undefined || found.failedAt >= height)) return found.promise;
    const entry: Entry<V> = { promise: load() };
    entry.promise.then(
      (value) => {
        entry.value = value;
      },
      (error: unknown) => {
        if (this.rememberFailure(error)) entry.failedAt = height;
        else if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    this.entries.set(key, entry);
    return entry.promise;
  }

  /** What get would answer without loading (a value, a load under way, a remembered failure); undefined when it would load. */
  cached(key: K, height = 0n): Promise<V> | undefined {
    const found = this.entries.get(key);
    return found !== undefined && (found.failedAt === undefined || found.failedAt >= height) ? found.promise : undefined;
  }

  /** The value when it is loaded already. */
  peek(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  set(key: K, value: V): void {
    this.entries.set(key, { promise: Promise.resolve(value), value });
  }

  invalidate(key: K): void {
    this.entries.delete(key);
  }
}
