import {
  ApiError,
  parseCall,
  type MethodName,
  type MethodResult,
  type ParsedParams,
} from "../../../shared/api/index.js";
import type { Logger } from "./logger.js";

/** Who is calling: the transport fills this in so handlers and logs can tell IPC from a LAN browser. */
export interface CallContext {
  transport: "ipc" | "websocket" | "internal";
  peer?: string;
}

export type ApiHandler<M extends MethodName> = (
  params: ParsedParams<M>,
  context: CallContext,
) => Promise<MethodResult<M>> | MethodResult<M>;

/** One handler per method of the contract: a method without a handler is a compile error, not a runtime 404. */
export type ApiHandlers = { [M in MethodName]: ApiHandler<M> };

/** A domain's share of the handlers (e.g. the wallet's methods). */
export type HandlersFor<M extends MethodName> = { [K in M]: ApiHandler<K> };

/**
 * The server side of the API: validates every incoming payload against the contract, runs the handler and turns
 * any failure into an ApiError with a stable code. Both transports (Electron IPC and the headless WebSocket) call
 * this and nothing else.
 */
export class ApiRouter {
  constructor(
    private readonly handlers: ApiHandlers,
    private readonly logger: Logger,
    /** Refuses a call the engine cannot answer yet (it throws an ApiError); runs after validation. */
    private readonly admit: (method: MethodName, context: CallContext) => void = () => {},
  ) {}

  async call(method: unknown, rawParams: unknown, context: CallContext): Promise<unknown> {
    const { method: name, params } = parseCall(method, rawParams);
    const handler = this.handlers[name] as ApiHandler<MethodName>;
    try {
      this.admit(name, context);
      return await handler(params as never, context);
    } catch (error) {
      const apiError = ApiError.from(error);
      if (apiError.code === "internal") {
        this.logger.error(`API ${name} failed`, { error: apiError.message, transport: context.transport });
      }
      throw apiError;
    }
  }
}
