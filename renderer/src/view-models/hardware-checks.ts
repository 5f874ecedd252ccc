import type { HardwareInfo } from "../../../shared/api/index.js";
import { formatBytes } from "../../../shared/format.js";

export interface HardwareProblem {
  severity: "warn" | "error";
  problem: string;
  /** What to do about it, as an instruction. */
  fix: string;
}

const GIB = 1024 ** 3;
/** Below this much RAM even the small models compete with the OS for memory. */
const LOW_RAM_BYTES = 8 * GIB;
/** A GPU below this cannot hold even the smallest chat models with a useful context. */
const SMALL_VRAM_BYTES = 4 * GIB;

/**
 * Problems the hardware step lists, each with its fix. The engine's own advice (no GPU, driver and backend problems)
 * comes first because it names the exact GPU and driver; the other checks cover what it does not.
 */
export function hardwareProblems(hardware: HardwareInfo): HardwareProblem[] {
  const problems: HardwareProblem[] = hardware.compute.advice.map((line) => splitAdvice(line));
  if (hardware.memory.totalBytes < LOW_RAM_BYTES) {
    problems.push({
      severity: "warn",
      problem: `This machine has ${formatBytes(hardware.memory.totalBytes)} of RAM.`,
      fix: "Close other programs while serving, and pick a model the planner marks as fitting.",
    });
  }
  for (const gpu of hardware.gpus) {
    if (gpu.vramBytes != null && gpu.vramBytes < SMALL_VRAM_BYTES) {
      problems.push({
        severity: "warn",
        problem: `GPU #${gpu.index} (${gpu.model}) has only ${formatBytes(gpu.vramBytes)} of VRAM.`,
        fix: "Only the smallest models fit it whole; larger ones are split with the CPU and run slower.",
      });
    }
    if (/nvidia/i.test(gpu.vendor) && !gpu.driverVersion && hardware.compute.backend !== "cuda") {
      problems.push({
        severity: "error",
        problem: `No NVIDIA driver version was reported for GPU #${gpu.index}.`,
        fix: "Install the NVIDIA driver (535 or newer) and restart PocketForge.",
      });
    }
  }
  return problems;
}

/** The engine's advice reads "<problem>: <fix>"; split it so the fix stands out. */
function splitAdvice(line: string): HardwareProblem {
  const colon = line.indexOf(": ");
  if (colon === -1) return { severity: "warn", problem: line, fix: "See the Logs page for details." };
  return { severity: "warn", problem: `${line.slice(0, colon)}.`, fix: capitalise(line.slice(colon + 2)) };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
