import { useEffect, useRef, useState, type FormEvent } from "react";
import type { GenerationStats } from "../../../shared/api/index.js";
import { formatDuration, formatNumber } from "../../../shared/format.js";
import { useApi } from "../api/api-context.js";
import { useEngine } from "../stores/engine-store.js";

/** A quick chat with the loaded model, streaming tokens as they are generated. */
export function TryModelCard() {
  const api = useApi();
  const ready = useEngine((s) => s.inference?.state === "ready");
  const [prompt, setPrompt] = useState("Once upon a time");
  const [reply, setReply] = useState("");
  const [stats, setStats] = useState<GenerationStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [requestId, setRequestId] = useState<string | null>(null);
  const counter = useRef(0);

  useEffect(() => {
    if (!requestId) return;
    return api.on("inference.token", ({ requestId: id, delta }) => {
      if (id === requestId) setReply((text) => text + delta);
    });
  }, [api, requestId]);

  async function send(event: FormEvent) {
    event.preventDefault();
    const id = `try-${Date.now()}-${counter.current++}`;
    setReply("");
    setStats(null);
    setError(null);
    setRequestId(id);
    try {
      const result = await api.invoke("inference.chat", {
        requestId: id,
        messages: [{ role: "user", content: prompt }],
        maxTokens: 128,
        temperature: 0.7,
      });
      setReply(result.text);
      setStats(result.stats);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setRequestId(null);
    }
  }

  return (
    <section className="card" aria-labelledby="try-title">
      <h2 id="try-title">Try the model</h2>
      {!ready && <p className="muted">Load a model above to chat with it here.</p>}
      <form className="row" onSubmit={send}>
        <label className="grow">
          <span className="label">Prompt</span>
          <input name="prompt" value={prompt} onChange={(e) => setPrompt(e.target.value)} disabled={!ready} />
        </label>
        {requestId ? (
          <button type="button" className="secondary" onClick={() => void api.invoke("inference.cancel", { requestId })}>
            Stop
          </button>
        ) : (
          <button type="submit" disabled={!ready || !prompt.trim()}>
            Send
          </button>
        )}
      </form>
      <output className="reply" data-testid="chat-reply" aria-live="polite">
        {reply || (requestId ? "…" : "")}
      </output>
      {stats && (
        <p className="muted" data-testid="chat-stats">
          {stats.completionTokens} tokens · first token after {formatDuration(stats.timeToFirstTokenMs)} ·{" "}
          {formatNumber(stats.tokensPerSecond, "tokens/s")} · finished: {stats.finishReason}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
