import type { EventName, EventPayload, MethodName, MethodParams, MethodResult, PocketForgeApi } from "../../../shared/api/index.js";

type Responder = (params: unknown) => unknown;

/**
 * A stand-in for the engine on the other side of the API object: methods answer from a table, events are pushed by
 * the test with emit(), and every call is recorded so a test can check what the renderer asked for.
 */
export class FakeApi implements PocketForgeApi {
  readonly calls: Array<{ method: string; params: unknown }> = [];
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();

  constructor(private readonly responders: Partial<Record<MethodName, Responder>> = {}) {}

  async invoke<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>> {
    this.calls.push({ method, params });
    const responder = this.responders[method];
    if (!responder) throw new Error(`FakeApi: no answer for ${method}`);
    return (await responder(params)) as MethodResult<M>;
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: unknown) => void);
    return () => set!.delete(listener as (payload: unknown) => void);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }

  listenerCount(event: EventName): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  called(method: MethodName): number {
    return this.calls.filter((c) => c.method === method).length;
  }
}

/** Resolves once queued promise callbacks (the store's follow-up calls) have run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

