import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { ApiError, type InferenceStatus } from "../../../shared/api/index.js";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import {
  WorkerSupervisor,
  NoModelLoadedError,
  QueueFullError,
  WorkerCrashedError,
} from "../../../electron/core/inference/index.js";
import { testModelPath } from "../../fixtures/paths.js";

const STORY_START = ", there was a little girl named Lily. She loved to play outside in the park.";
/** Long enough that a generation is still running while the test arranges the next step; always cancelled. */
const LONG = 900;

describe("WorkerSupervisor (worker process, stories260K)", { timeout: 120_000 }, () => {
  const statuses: InferenceStatus[] = [];
  const service = new WorkerSupervisor({
    logger: silentLogger,
    queueLimit: 1,
    restart: { initialDelayMs: 20 },
  });
  service.onStatus((status) => statuses.push(status));

  before(async () => {
    await service.start();
    await service.load({ modelPath: testModelPath(), contextSize: 1024, parallelSequences: 2, threads: 1 });
  });
  after(() => service.dispose());

  it("loads the model in a worker process and reports it", () => {
    const status = service.status();
    assert.equal(status.state, "ready");
    assert.equal(status.model?.name, "stories260K");
    assert.equal(status.model?.parallelSequences, 2);
    assert.equal(status.model?.threads, 1);
    assert.notEqual(service.workerPid, null);
    assert.notEqual(service.workerPid, process.pid);
    assert.deepEqual(statuses.map((s) => s.state).slice(0, 2), ["loading", "ready"]);
  });

  it("runs the worker with one libuv thread (workerEnvironment)", { skip: process.platform !== "linux" && "reads /proc" }, () => {
    const environ = readFileSync(`/proc/${service.workerPid}/environ`, "utf8").split("\0");
    assert.ok(environ.includes("UV_THREADPOOL_SIZE=1"), "the worker process's environment sets UV_THREADPOOL_SIZE=1");
  });

  it("generates the reference text at temperature 0 and streams the same text", async () => {
    const deltas: string[] = [];
    const result = await service.complete(
      { requestId: "det-1", prompt: "Once upon a time", maxTokens: 30, temperature: 0 },
      (delta) => deltas.push(delta),
    );
    assert.equal(result.requestId, "det-1");
    assert.ok(result.text.startsWith(STORY_START), JSON.stringify(result.text));
    assert.equal(deltas.join(""), result.text);
    assert.deepEqual(
      { prompt: result.stats.promptTokens, completion: result.stats.completionTokens, finish: result.stats.finishReason },
      { prompt: 7, completion: 30, finish: "length" },
    );
    assert.ok(result.stats.timeToFirstTokenMs! > 0);
    assert.ok(result.stats.tokensPerSecond! > 0);
  });

  it("chats with the contract's parameters", async () => {
    const tokens: string[] = [];
    const result = await service.chat(
      { requestId: "chat-1", messages: [{ role: "user", content: "Tell me a story" }], maxTokens: 10, temperature: 0 },
      (delta) => tokens.push(delta),
    );
    assert.equal(result.stats.completionTokens, 10);
    assert.equal(tokens.join(""), result.text);
    assert.ok(result.text.trim().length > 0);
  });

  it("serves concurrent requests on parallel sequences", async () => {
    const firstTokenAt: Record<string, number> = {};
    const finishedAt: Record<string, number> = {};
    const start = (id: string) =>
      service.complete({ requestId: id, prompt: "Once upon a time", maxTokens: 150, temperature: 0 }, () => {
        firstTokenAt[id] ??= performance.now();
      }).then((result) => {
        finishedAt[id] = performance.now();
        return result;
      });
    const both = Promise.all([start("par-a"), start("par-b")]);
    assert.equal(service.status().activeRequests, 2, "both run at once, neither waits in the queue");
    assert.equal(service.status().queuedRequests, 0);
    const [a, b] = await both;
    // Run one after the other, B's first token would come after A's last.
    assert.ok(firstTokenAt["par-b"]! < finishedAt["par-a"]!);
    assert.ok(firstTokenAt["par-a"]! < finishedAt["par-b"]!);
    assert.equal(a.text, b.text, "batched sequences give each request its own deterministic output");
    assert.equal(a.stats.completionTokens, 150);
  });

  it("queues beyond the sequences and refuses with QueueFullError when the queue is full", async () => {
    const running = [
      service.complete({ requestId: "busy-1", prompt: "Once upon a time", maxTokens: LONG, temperature: 0 }),
      service.complete({ requestId: "busy-2", prompt: "Once upon a time", maxTokens: LONG, temperature: 0 }),
    ];
    const queued = service.complete({ requestId: "waiting", prompt: "Once upon a time", maxTokens: LONG, temperature: 0 });
    await service.waitForStatus((s) => s.activeRequests === 2 && s.queuedRequests === 1);

    await assert.rejects(
      service.complete({ requestId: "refused", prompt: "Once upon a time", maxTokens: 5 }),
      (error) => error instanceof QueueFullError && error.code === "unavailable" && error.retryAfterSeconds >= 1,
    );

    assert.equal(service.cancel("waiting"), true);
    const dropped = await queued;
    assert.equal(dropped.stats.finishReason, "cancelled");
    assert.equal(dropped.stats.completionTokens, 0);
    assert.equal(service.status().queuedRequests, 0);

    for (const id of ["busy-1", "busy-2"]) assert.equal(service.cancel(id), true);
    for (const result of await Promise.all(running)) {
      assert.equal(result.stats.finishReason, "cancelled");
      assert.ok(result.stats.completionTokens < LONG);
    }
    assert.equal(service.cancel("no-such-request"), false);
  });

  it("cancels a running request through its AbortSignal, keeping the text so far", async () => {
    const abort = new AbortController();
    let pieces = "";
    const result = await service.complete(
      { requestId: "abort-me", prompt: "Once upon a time", maxTokens: LONG, temperature: 0 },
      (delta) => {
        pieces += delta;
        if (pieces.length > 20) abort.abort();
      },
      { signal: abort.signal },
    );
    assert.equal(result.stats.finishReason, "cancelled");
    assert.ok(result.stats.completionTokens < LONG);
    assert.ok(result.text.startsWith(pieces.slice(0, 20)));
  });

  it("fails the request in flight when the worker is killed, restarts it and serves the next request", async () => {
    const oldPid = service.workerPid!;
    const restartsBefore = service.status().workerRestarts;
    let killed = false;
    const doomed = service.complete({ requestId: "doomed", prompt: "Once upon a time", maxTokens: LONG, temperature: 0 }, () => {
      if (killed) return;
      killed = true;
      process.kill(oldPid, "SIGKILL");
    });
    await assert.rejects(doomed, (error) => error instanceof WorkerCrashedError && /SIGKILL/.test(error.message));

    // Sent while the worker is still down: it waits for the restart instead of failing.
    const next = await service.complete({ requestId: "after-crash", prompt: "Once upon a time", maxTokens: 20, temperature: 0 });
    assert.ok(next.text.startsWith(", there was a little girl named Lily."));
    const status = service.status();
    assert.equal(status.state, "ready");
    assert.equal(status.workerRestarts, restartsBefore + 1);
    assert.equal(status.model?.name, "stories260K");
    assert.notEqual(service.workerPid, oldPid);
    assert.ok(statuses.some((s) => s.state === "restarting" && /SIGKILL/.test(s.message ?? "")));
  });

  it("unloads the model and then refuses requests", async () => {
    const status = await service.unload();
    assert.equal(status.state, "idle");
    assert.equal(status.model, null);
    await assert.rejects(
      service.chat({ requestId: "late", messages: [{ role: "user", content: "hi" }] }),
      NoModelLoadedError,
    );
  });

  it("reports a model that cannot be loaded as an error state with the reason", async () => {
    const missing = testModelPath().replace(/\.gguf$/, "-missing.gguf");
    await assert.rejects(service.load({ modelPath: missing }), (error) => error instanceof ApiError && error.code === "not_found");
    const status = service.status();
    assert.equal(status.state, "error");
    assert.match(status.message ?? "", /Model file not found/);
    await assert.rejects(
      service.complete({ requestId: "no-model", prompt: "x" }),
      (error) => error instanceof NoModelLoadedError && /Model file not found/.test(error.message),
    );
  });
});
