import { useEffect, useRef, useState, type FormEvent } from "react";
import type { GenerationStats } from "../../../shared/api/index.js";
import { formatDuration } from "../../../shared/format.js";
import { useApi } from "../api/api-context.js";
import { Button } from "../kit/Button.js";
import { Card } from "../kit/Card.js";
import { Field } from "../kit/Field.js";
import { ErrorMessage } from "../kit/Message.js";
import { useEngine } from "../stores/engine-store.js";
import { formatTokensPerSecond } from "../view-models/format.js";

/** A quick chat with the loaded model, streaming tokens as they are generated. */
export function TryModelCard() {
  const api = useApi();
  const ready = useEngine((s) => s.inference?.state === "ready");
  const [prompt, setPrompt] = useState("Once upon a time");
  const [reply, setReply] = useState("");
  const [stats, setStats] = useState<GenerationStats | null>(null);
  const [error, setError] = useState<unknown>(null);
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
      setError(e);
    } finally {
      setRequestId(null);
    }
  }

  return (
    <Card title="Try the model" subtitle="Chat with the loaded model; gateways' requests look much like this.">
      {!ready && <p className="muted">Load a model to chat with it here.</p>}
      <form className="row" onSubmit={send}>
        <Field className="grow" label="Prompt">
          {(control) => <input {...control} name="prompt" value={prompt} onChange={(e) => setPrompt(e.target.value)} disabled={!ready} />}
        </Field>
        {requestId ? (
          <Button variant="secondary" onClick={() => void api.invoke("inference.cancel", { requestId })}>
            Stop
          </Button>
        ) : (
          <Button type="submit" disabled={!ready || !prompt.trim()}>
            Send
          </Button>
        )}
      </form>
      <output className="reply" data-testid="chat-reply" aria-live="polite">
        {reply || (requestId ? "…" : "")}
      </output>
      <p className="muted small" data-testid="chat-stats">
        {stats
          ? `${stats.completionTokens} tokens · first token after ${formatDuration(stats.timeToFirstTokenMs)} · ${formatTokensPerSecond(stats.tokensPerSecond)} · finished: ${stats.finishReason}`
          : "\u00a0"}
      </p>
      {error != null && <ErrorMessage error={error} title="The chat request failed." />}
    </Card>
  );
}
