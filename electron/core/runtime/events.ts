import type { EventName, EventPayload } from "../../../shared/api/index.js";

type Listener<E extends EventName> = (payload: EventPayload<E>) => void;
type AnyListener = (event: EventName, payload: unknown) => void;

/** The engine's typed event bus: services emit, transports (IPC, WebSocket) forward every event to the UI. */
export class EventBus {
  private readonly listeners = new Map<EventName, Set<Listener<any>>>();
  private readonly anyListeners = new Set<AnyListener>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? []) safeCall(() => listener(payload));
    for (const listener of this.anyListeners) safeCall(() => listener(event, payload));
  }

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set!.delete(listener);
  }

  onAny(listener: AnyListener): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }
}

function safeCall(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    // A faulty listener must not break the emitter or the other listeners.
    queueMicrotask(() => {
      throw error;
    });
  }
}
