import { ApiError } from "../../../../shared/api/index.js";
import type { LlamaEngine } from "../llama/llama-engine.js";
import type { ParentPort } from "./parent-port.js";
import type { HostMessage, ReplyValue } from "./protocol.js";
import { TextBatcher } from "./text-batcher.js";

/**
 * Streamed text is sent at most this often (20 times a second, still smooth to read); see TextBatcher. Every message
 * costs the worker an IPC write and the host a wake-up, a parse, an SSE event and a socket write (about 0.4 ms of CPU
 * measured on a 2-core machine): at one message per token that work competes for the core the next token's sampling
 * and dispatch need. At 50 ms a 100 tokens/s model sends a message per 5 tokens instead of per 1–2.
 */
const STREAM_INTERVAL_MS = 50;

/**
 * Runs the engine's side of the protocol: each call is answered by one reply with the same id, generations stream
 * their text first. Resolves when the host asks the worker to shut down and the engine has been released.
 */
export function serveEngine(port: ParentPort, engine: LlamaEngine): Promise<void> {
  const generations = new Map<number, AbortController>();

  const reply = (id: number, work: Promise<ReplyValue>) =>
    work.then(
      (value) => port.send({ type: "reply", id, ok: true, value }),
      (error: unknown) => port.send({ type: "reply", id, ok: false, error: ApiError.from(error).toJSON() }),
    );

  return new Promise((resolve) => {
    port.onMessage((message: HostMessage) => {
      switch (message.type) {
        case "load":
          void reply(message.id, engine.load(message.options));
          break;
        case "unload":
          void reply(message.id, engine.unload().then(() => null));
          break;
        case "probe":
          void reply(message.id, engine.probe());
          break;
        case "generate": {
          const abort = new AbortController();
          generations.set(message.id, abort);
          const { id } = message;
          const batcher = message.stream ? new TextBatcher((delta) => port.send({ type: "text", id, delta }), STREAM_INTERVAL_MS) : null;
          const work = engine.generate(message.request, {
            signal: abort.signal,
            onText: batcher ? (delta) => batcher.push(delta) : undefined,
          });
          // All streamed text reaches the host before the reply that ends the stream.
          void reply(id, work.finally(() => batcher?.flush())).finally(() => generations.delete(id));
          break;
        }
        case "cancel":
          generations.get(message.id)?.abort();
          break;
        case "shutdown":
          void engine.dispose().finally(resolve);
          break;
      }
    });
    port.send({ type: "ready", pid: process.pid });
  });
}
