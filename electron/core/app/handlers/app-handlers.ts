import type { AppInfo } from "../../../../shared/api/index.js";
import type { HandlersFor } from "../api-router.js";
import type { LogSink } from "../logger.js";

export function createAppHandlers(deps: {
  info: () => Omit<AppInfo, "transport">;
  logs: LogSink;
}): HandlersFor<"app.info" | "logs.tail"> {
  return {
    "app.info": (_params, context) => ({
      ...deps.info(),
      transport: context.transport === "ipc" ? "ipc" : "websocket",
    }),
    "logs.tail": ({ limit, minLevel }) => deps.logs.tail(limit, minLevel),
  };
}
