import type { Logger } from "./logger.js";

/**
 * The last resort: an exception or rejection no handler caught is logged, and the engine goes on serving rather
 * than dying (a rig restarted by systemd would come back with its wallet locked and mine nothing). Returns a
 * function that removes the handlers.
 */
export function installLastResortHandlers(logger: Logger, target: NodeJS.Process = process): () => void {
  const onException = (error: Error) => logger.error("an error escaped every handler; the engine keeps running", { error: error?.stack ?? String(error) });
  const onRejection = (reason: unknown) =>
    logger.error("a promise rejection escaped every handler; the engine keeps running", {
      error: reason instanceof Error ? (reason.stack ?? reason.message) : String(reason),
    });
  target.on("uncaughtException", onException);
  target.on("unhandledRejection", onRejection);
  return () => {
    target.off("uncaughtException", onException);
    target.off("unhandledRejection", onRejection);
  };
}
