// JSON-RPC 2.0 envelopes as CometBFT writes them.
export type JsonRpcId = string | number | null;

export interface JsonRpcRequest {
  jsonrpc?: string;
  id?: JsonRpcId;
  method?: unknown;
  params?: unknown;
}

export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: string,
  ) {
    super(message);
  }
}

export const invalidParams = (data: string) => new RpcError(-32602, "Invalid params", data);
export const internalError = (data: string) => new RpcError(-32603, "Internal error", data);
export const methodNotFound = (method: string) => new RpcError(-32601, "Method not found", method);
export const parseError = (data: string) => new RpcError(-32700, "Parse error", data);

export function success(id: JsonRpcId, result: unknown) {
  return { jsonrpc: "2.0", id, result };
}

export function failure(id: JsonRpcId, error: RpcError) {
  return { jsonrpc: "2.0", id, error: { code: error.code, message: error.message, data: error.data ?? "" } };
}
