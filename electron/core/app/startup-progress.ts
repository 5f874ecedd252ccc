import type { EngineStartup, StartupStep } from "../../../shared/api/index.js";
import { ApiError, type MethodName } from "../../../shared/api/index.js";
import type { CallContext } from "../runtime/api-router.js";

/** Methods a window may call while the engine starts: what it needs to show the start itself. */
const ANSWERED_WHILE_STARTING = new Set<MethodName>(["app.startup", "app.info", "logs.tail"]);

/**
 * The engine's start as steps a window can show (probing GPUs, starting workers, loading the last model). The desktop
 * window opens before the start; until it is ready, other API calls from a window are refused with what is happening,
 * because services answer only once started.
 */
export class StartupProgress {
  private state: EngineStartup["state"] = "starting";
  private readonly steps: StartupStep[];
  private error: string | null = null;

  constructor(
    steps: ReadonlyArray<{ id: string; label: string }>,
    private readonly emit: (startup: EngineStartup) => void,
  ) {
    this.steps = steps.map(({ id, label }) => ({ id, label, state: "pending", detail: null }));
  }

  snapshot(): EngineStartup {
    return { state: this.state, steps: this.steps.map((step) => ({ ...step })), error: this.error };
  }

  get ready(): boolean {
    return this.state === "ready";
  }

  /** Runs one step's work; its failure is recorded and rethrown. */
  async run<T>(id: string, work: () => Promise<T>, detail: string | null = null): Promise<T> {
    this.set(id, "running", detail);
    try {
      const result = await work();
      this.set(id, "done", detail);
      return result;
    } catch (error) {
      this.set(id, "failed", error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  finish(): void {
    this.state = "ready";
    this.emit(this.snapshot());
  }

  fail(error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.state = "failed";
    this.error = `PocketForge could not start: ${reason}. The log in the data folder's logs/ has the details.`;
    this.emit(this.snapshot());
  }

  /** @throws ApiError unavailable for a window's call that needs a started engine. */
  admit(method: MethodName, context: CallContext): void {
    if (this.ready || context.transport === "internal" || ANSWERED_WHILE_STARTING.has(method)) return;
    const running = this.steps.find((step) => step.state === "running");
    throw new ApiError(
      "unavailable",
      this.state === "failed" ? this.error ?? "PocketForge could not start." : `PocketForge is still starting${running ? ` (${running.label.toLowerCase()})` : ""}; this answers once it is ready.`,
      { reason: "starting" },
    );
  }

  private set(id: string, state: StartupStep["state"], detail: string | null): void {
    const step = this.steps.find((candidate) => candidate.id === id);
    if (!step) throw new Error(`unknown start-up step ${id}`);
    step.state = state;
    step.detail = detail;
    this.emit(this.snapshot());
  }
}
