import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ChatMessage, ChatResult, GenerationStats, InferenceStatus, LoadedModel } from "../../../../shared/api/index.js";
import { decodeComponent } from "../../runtime/http-guard.js";
import type { Logger } from "../../runtime/logger.js";
import type { ChatRequest, CompletionRequest, RequestOptions, TokenListener } from "../types.js";
import { badRequest, OpenAiHttpError, toOpenAiError } from "./errors.js";
import {
  chatChunk,
  chatCompletion,
  chatUsageChunk,
  finishReasonOf,
  modelObject,
  textChunk,
  textCompletion,
  textUsageChunk,
  type OpenAiFinishReason,
  type ResponseIdentity,
} from "./format.js";
import { disconnectSignal, readJsonBody, sendError, sendJson } from "./http.js";
import {
  ChatCompletionBody,
  COMPLETIONS_DEFAULT_MAX_TOKENS,
  CompletionBody,
  DEFAULT_TEMPERATURE,
  samplerSeed,
  stopSequences,
  type OpenAiMessage,
} from "./schemas.js";
import { SseStream } from "./sse.js";
import type { z } from "zod";

/** What the OpenAI layer needs from the engine; WorkerSupervisor provides it. */
export interface OpenAiBackend {
  status(): InferenceStatus;
  chat(request: ChatRequest, onToken?: TokenListener, options?: RequestOptions): Promise<ChatResult>;
  complete(request: CompletionRequest, onToken?: TokenListener, options?: RequestOptions): Promise<ChatResult>;
}

export interface OpenAiHandlerOptions {
  /** Larger request bodies are refused with 413. */
  maxBodyBytes?: number;
  logger?: Logger;
  /**
   * What a request naming a model this server does not serve gets. "refuse" (default, OpenAI's rule): 404
   * `model_not_found`. "default" (bring your own model, the `ai-inference` service: gateways never read the
   * `model` field, each supplier serves its own): the default model answers it, and the reply names that model.
   */
  unknownModel?: "refuse" | "default";
}

export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** A backend with the model it serves now. */
interface Served {
  backend: OpenAiBackend;
  model: LoadedModel;
}

/**
 * The OpenAI-compatible API as a plain node request handler: the HTTP server here and the relay miner's
 * in-process backend (without a socket) both call it. Routes: POST /v1/chat/completions, POST /v1/completions,
 * GET /v1/models, GET /v1/models/{id}, GET /health.
 *
 * With several backends (one model each), a request's `model` picks the backend serving that name; the first
 * backend with a model loaded is the default, which answers unknown names when `unknownModel` is "default".
 */
export function createOpenAiHandler(backends: OpenAiBackend | readonly OpenAiBackend[], options: OpenAiHandlerOptions = {}): RequestHandler {
  const all: readonly OpenAiBackend[] = Array.isArray(backends) ? backends : [backends as OpenAiBackend];
  if (all.length === 0) throw new Error("the OpenAI handler needs at least one backend");
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const anyModel = options.unknownModel === "default";
  const logger = options.logger;
  const modelCreated = new Map<string, number>();

  /** Every backend with a model, in order (the first is the default). */
  const served = (): Served[] =>
    all.flatMap((backend) => {
      const model = backend.status().model;
      return model ? [{ backend, model }] : [];
    });

  /** The backend that answers a request naming `requested`. @throws OpenAiHttpError 503 or 404 */
  const route = (requested: string): Served => {
    const loaded = served();
    const named = loaded.find((s) => s.model.name === requested);
    if (named) return named;
    if (loaded.length === 0) {
      const loading = all.some((backend) => backend.status().state === "loading");
      const why = loading ? "The model is still loading; retry shortly" : "No model is loaded on this server";
      throw new OpenAiHttpError(503, why, "server_error", "model_not_loaded", null, { "Retry-After": "1" });
    }
    if (anyModel) return loaded[0]!;
    throw modelNotFound(requested, loaded.map((s) => s.model));
  };

  const createdAt = (model: LoadedModel) => {
    if (!modelCreated.has(model.path)) modelCreated.set(model.path, unixNow());
    return modelCreated.get(model.path)!;
  };

  const readBody = async <S extends z.ZodType>(req: IncomingMessage, schema: S): Promise<z.output<S>> => {
    const json = await readJsonBody(req, maxBodyBytes);
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      throw badRequest("The request body must be a JSON object");
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const param = issue.path.length ? issue.path.map(String).join(".") : null;
      throw badRequest(param ? `Invalid '${param}': ${issue.message}` : issue.message, param);
    }
    return parsed.data;
  };

  const chatCompletions: Route = async (req, res) => {
    const body = await readBody(req, ChatCompletionBody);
    const { backend, model } = route(body.model);
    const identity = { id: `chatcmpl-${randomId()}`, created: unixNow(), model: model.name };
    const request: ChatRequest = {
      requestId: identity.id,
      messages: body.messages.map(toChatMessage),
      maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
      ...sampling(body),
    };
    await respond(res, body, identity, (onToken, signal) => backend.chat(request, onToken, { signal }), {
      whole: (text, stats) => chatCompletion(identity, text, stats),
      opening: (usage) => chatChunk(identity, { role: "assistant", content: "" }, null, usage),
      delta: (text, usage) => chatChunk(identity, { content: text }, null, usage),
      final: (reason, usage) => chatChunk(identity, {}, reason, usage),
      usage: (stats) => chatUsageChunk(identity, stats),
    }).catch((error) => {
      throw toOpenAiError(error, { inputParam: "messages" });
    });
  };

  const completions: Route = async (req, res) => {
    const body = await readBody(req, CompletionBody);
    const { backend, model } = route(body.model);
    const prompt = Array.isArray(body.prompt) ? body.prompt[0]! : body.prompt;
    const echo = body.echo === true ? prompt : "";
    const identity = { id: `cmpl-${randomId()}`, created: unixNow(), model: model.name };
    const request: CompletionRequest = {
      requestId: identity.id,
      prompt,
      maxTokens: body.max_tokens ?? COMPLETIONS_DEFAULT_MAX_TOKENS,
      ...sampling(body),
    };
    await respond(res, body, identity, (onToken, signal) => backend.complete(request, onToken, { signal }), {
      whole: (text, stats) => textCompletion(identity, echo + text, stats),
      opening: echo ? (usage) => textChunk(identity, echo, null, usage) : undefined,
      delta: (text, usage) => textChunk(identity, text, null, usage),
      final: (reason, usage) => textChunk(identity, "", reason, usage),
      usage: (stats) => textUsageChunk(identity, stats),
    }).catch((error) => {
      throw toOpenAiError(error, { inputParam: "prompt" });
    });
  };

  // Also the health check of the `ai-inference` service: `data` must be a non-empty array while a model serves.
  const listModels: Route = (_req, res) => {
    const byName = new Map<string, LoadedModel>();
    for (const { model } of served()) if (!byName.has(model.name)) byName.set(model.name, model);
    sendJson(res, 200, { object: "list", data: [...byName.values()].map((model) => modelObject(model.name, createdAt(model))) });
  };

  const retrieveModel = (id: string): Route => (_req, res) => {
    const loaded = served();
    const found = loaded.find((s) => s.model.name === id);
    if (!found) throw modelNotFound(id, loaded.map((s) => s.model));
    sendJson(res, 200, modelObject(found.model.name, createdAt(found.model)));
  };

  const health: Route = (_req, res) => {
    const statuses = all.map((backend) => backend.status());
    const ready = statuses.find((status) => status.state === "ready");
    const status = ready ?? statuses[0]!;
    sendJson(res, ready ? 200 : 503, {
      status: ready ? "ok" : status.state,
      model: (statuses.find((s) => s.model) ?? status).model?.name ?? null,
      activeRequests: statuses.reduce((n, s) => n + s.activeRequests, 0),
      queuedRequests: statuses.reduce((n, s) => n + s.queuedRequests, 0),
    });
  };

  const routes: Record<string, Partial<Record<string, Route>>> = {
    "/v1/chat/completions": { POST: chatCompletions },
    "/v1/completions": { POST: completions },
    "/v1/models": { GET: listModels },
    "/health": { GET: health },
  };

  const find = (path: string): Partial<Record<string, Route>> | undefined => {
    if (routes[path]) return routes[path];
    const modelId = /^\/v1\/models\/(.+)$/.exec(path)?.[1];
    if (modelId === undefined) return undefined;
    const decoded = decodeComponent(modelId);
    const malformed: Route = () => {
      throw badRequest(`malformed escape in the model id: ${JSON.stringify(modelId)}`);
    };
    return { GET: decoded === null ? malformed : retrieveModel(decoded) };
  };

  return (req, res) => {
    const started = performance.now();
    const method = req.method ?? "GET";
    const path = (req.url ?? "/").split("?")[0]!.replace(/\/+$/, "") || "/";
    res.once("finish", () =>
      logger?.debug("openai request", { method, path, status: res.statusCode, ms: Math.round(performance.now() - started) }),
    );
    const handlers = find(path);
    const route = handlers?.[method] ?? (method === "HEAD" ? handlers?.GET : undefined);
    const run = async () => {
      if (!handlers) throw new OpenAiHttpError(404, `Invalid URL (${method} ${path})`, "invalid_request_error", "unknown_url");
      if (!route) {
        const allowed = Object.keys(handlers).join(", ");
        throw new OpenAiHttpError(405, `Method ${method} is not allowed on ${path}; use ${allowed}`, "invalid_request_error", "method_not_allowed", null, { Allow: allowed });
      }
      await route(req, res);
    };
    run().catch((error: unknown) => {
      const httpError = toOpenAiError(error);
      if (httpError.status >= 500 && !(error instanceof OpenAiHttpError)) {
        logger?.warn("openai request failed", { method, path, status: httpError.status, error: httpError.message });
      }
      if (!res.writableEnded) sendError(res, httpError);
    });
  };
}

interface StreamShapes {
  whole(text: string, stats: GenerationStats): unknown;
  /** Sent before the first token (the chat role announcement, or an echoed prompt). */
  opening?: (includeUsage: boolean) => unknown;
  delta(text: string, includeUsage: boolean): unknown;
  final(reason: OpenAiFinishReason, includeUsage: boolean): unknown;
  usage(stats: GenerationStats): unknown;
}

type Run = (onToken: TokenListener | undefined, signal: AbortSignal) => Promise<ChatResult>;

/** Runs one generation and answers with a whole JSON object, or as an SSE stream when the body asks for it. */
async function respond(
  res: ServerResponse,
  body: { stream?: boolean | null; stream_options?: { include_usage?: boolean | null } | null },
  identity: ResponseIdentity,
  run: Run,
  shapes: StreamShapes,
): Promise<void> {
  // A client that hangs up should free its sequence at once, not after generating a reply nobody reads.
  const signal = disconnectSignal(res);
  if (!body.stream) {
    const result = await run(undefined, signal);
    if (!signal.aborted) sendJson(res, 200, shapes.whole(result.text, result.stats));
    return;
  }
  const includeUsage = body.stream_options?.include_usage === true;
  const sse = new SseStream(res);
  const open = () => {
    if (sse.started) return;
    if (shapes.opening) sse.send(shapes.opening(includeUsage));
  };
  let result: ChatResult;
  try {
    result = await run((delta) => {
      open();
      sse.send(shapes.delta(delta, includeUsage));
    }, signal);
  } catch (error) {
    // Before the first byte the caller still gets a proper status; after it, an error event ends the stream.
    if (!sse.started) throw error;
    sse.fail(toOpenAiError(error).toBody());
    return;
  }
  open();
  sse.send(shapes.final(finishReasonOf(result.stats), includeUsage));
  if (includeUsage) sse.send(shapes.usage(result.stats));
  sse.done();
}

function modelNotFound(requested: string, served: readonly LoadedModel[]): OpenAiHttpError {
  const names = [...new Set(served.map((model) => `\`${model.name}\``))];
  const hint = names.length ? `; this server serves ${names.join(", ")}` : "";
  return new OpenAiHttpError(404, `The model \`${requested}\` does not exist${hint}`, "invalid_request_error", "model_not_found", "model");
}

function sampling(body: {
  temperature?: number | null;
  top_p?: number | null;
  seed?: number | null;
  stop?: string | string[] | null;
}) {
  return {
    temperature: body.temperature ?? DEFAULT_TEMPERATURE,
    topP: body.top_p ?? undefined,
    seed: samplerSeed(body.seed),
    stop: stopSequences(body.stop),
  };
}

function toChatMessage(message: OpenAiMessage): ChatMessage {
  const content = typeof message.content === "string"
    ? message.content
    : (message.content ?? []).map((part) => part.text).join("");
  // "developer" is OpenAI's newer name for the system role.
  return { role: message.role === "developer" ? "system" : message.role, content };
}

function randomId(): string {
  return randomBytes(12).toString("base64url");
}

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
