/** Whether a listen address is reachable from this machine only (the renderer warns before leaving it; the engine guards). */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}
