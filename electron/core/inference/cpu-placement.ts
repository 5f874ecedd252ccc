// Where an inference worker's threads may run (Linux). A CPU engine runs all logical CPUs but one (defaultThreads),
// and its JavaScript thread and its evaluating thread hand each step to each other. Left to the scheduler, those
// threads wander onto the core the app's own work (relay mining, HTTP, the Electron main process) is using, and
// every step that waits behind that work stalls the engine. Confined to every allowed CPU but the first, the engine
// keeps its cores and the app gets one that no engine thread wants: on the shared 2-core development machine the
// tiny model's tokens/s rose 30-45 % on the OpenAI endpoint and through relays alike (bench -- relayminer).
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";

/** What was done to a worker: confined to `cpus` (a Linux CPU list such as "1-7"), or left on every CPU, and why. */
export type CpuPlacement = { pinned: true; cpus: string } | { pinned: false; reason: string };

export interface EngineCpuPlacer {
  /** Confines (or frees) the worker `pid` that runs `threads` evaluation threads; never throws. */
  place(pid: number, threads: number): Promise<CpuPlacement>;
}

/** "0-3,5,8-9" → [0, 1, 2, 3, 5, 8, 9]: the list format of /proc's Cpus_allowed_list and taskset. */
export function parseCpuList(text: string): number[] {
  const cpus = new Set<number>();
  for (const part of text.trim().split(",")) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!match) throw new Error(`Not a CPU list: "${text}"`);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first) throw new Error(`Not a CPU list: "${text}"`);
    for (let cpu = first; cpu <= last; cpu++) cpus.add(cpu);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** [1, 2, 3, 5] → "1-3,5". */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    ranges.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return ranges.join(",");
}

/**
 * The CPUs a worker with `threads` evaluation threads gets out of the app's `allowed` ones: all but the first (the
 * lowest, which also takes most interrupts on many machines), or null (every allowed CPU) when there is one CPU or
 * the engine was told to use every one of them.
 */
export function engineCpus(allowed: readonly number[], threads: number): number[] | null {
  const sorted = [...allowed].sort((a, b) => a - b);
  if (sorted.length < 2 || threads >= sorted.length) return null;
  return sorted.slice(1);
}

export interface LinuxCpuPlacerOptions {
  platform?: NodeJS.Platform;
  /** CPUs this process may use (the app's; workers are confined within them). */
  allowedCpus?(): Promise<number[]>;
  /** CPUs a process may use now. */
  cpusOf?(pid: number): Promise<number[]>;
  /** Sets every thread of `pid` (and the threads they start later) to `cpus`. */
  setCpus?(pid: number, cpus: string): Promise<void>;
}

/** Reads a process's Cpus_allowed_list from /proc. */
export async function readAllowedCpus(pid: number | "self"): Promise<number[]> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const line = /^Cpus_allowed_list:\s*(.+)$/m.exec(status);
  if (!line) throw new Error(`/proc/${pid}/status has no Cpus_allowed_list`);
  return parseCpuList(line[1]!);
}

/** util-linux's taskset on every thread of the process; threads created afterwards inherit the setting. */
function taskset(pid: number, cpus: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile("taskset", ["--all-tasks", "--cpu-list", "--pid", cpus, String(pid)], { timeout: 5_000 }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
      reject(new Error(missing ? "taskset (util-linux) is not installed" : `taskset failed: ${stderr.trim() || error.message}`));
    });
  });
}

/** Node has no affinity call, and an N-API addon for one syscall is not worth its weight: taskset does it. */
export class LinuxCpuPlacer implements EngineCpuPlacer {
  private readonly platform: NodeJS.Platform;
  private readonly allowedCpus: () => Promise<number[]>;
  private readonly cpusOf: (pid: number) => Promise<number[]>;
  private readonly setCpus: (pid: number, cpus: string) => Promise<void>;

  constructor(options: LinuxCpuPlacerOptions = {}) {
    this.platform = options.platform ?? process.platform;
    this.allowedCpus = options.allowedCpus ?? (() => readAllowedCpus("self"));
    this.cpusOf = options.cpusOf ?? readAllowedCpus;
    this.setCpus = options.setCpus ?? taskset;
  }

  async place(pid: number, threads: number): Promise<CpuPlacement> {
    if (this.platform !== "linux") return { pinned: false, reason: "CPU placement is done on Linux only" };
    try {
      // The app's CPUs, not the worker's: a worker kept across loads is already confined.
      const allowed = await this.allowedCpus();
      const cpus = engineCpus(allowed, threads);
      if (cpus === null) {
        // A worker confined for an earlier model gets every CPU back.
        const current = await this.cpusOf(pid);
        if (formatCpuList(current) !== formatCpuList(allowed)) await this.setCpus(pid, formatCpuList(allowed));
        return { pinned: false, reason: allowed.length < 2 ? "one CPU" : `the engine runs ${threads} threads on ${allowed.length} CPUs` };
      }
      const list = formatCpuList(cpus);
      await this.setCpus(pid, list);
      return { pinned: true, cpus: list };
    } catch (error) {
      return { pinned: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }
}
