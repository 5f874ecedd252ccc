import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { engineCpus, formatCpuList, LinuxCpuPlacer, parseCpuList } from "../../../electron/core/inference/cpu-placement.js";

describe("CPU lists", () => {
  test("parse ranges and single CPUs, sorted and without repeats", () => {
    assert.deepEqual(parseCpuList("0-3,5,8-9\n"), [0, 1, 2, 3, 5, 8, 9]);
    assert.deepEqual(parseCpuList("7"), [7]);
    assert.deepEqual(parseCpuList("4,0-1,1"), [0, 1, 4]);
  });

  test("refuse what is not a CPU list", () => {
    for (const bad of ["", "a", "1-", "3-1", "1,,2", "-1"]) assert.throws(() => parseCpuList(bad), /Not a CPU list/, bad);
  });

  test("format runs as ranges, the way /proc and taskset write them", () => {
    assert.equal(formatCpuList([1, 2, 3, 5]), "1-3,5");
    assert.equal(formatCpuList([9, 8, 0]), "0,8-9");
    assert.equal(formatCpuList([4]), "4");
    assert.equal(formatCpuList(parseCpuList("0-2,4-6,9")), "0-2,4-6,9");
  });
});

describe("engineCpus", () => {
  test("an engine with fewer threads than CPUs gets every CPU but the lowest", () => {
    assert.deepEqual(engineCpus([0, 1], 1), [1]);
    assert.deepEqual(engineCpus([0, 1, 2, 3, 4, 5, 6, 7], 7), [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(engineCpus([0, 1, 2, 3, 4, 5, 6, 7], 2), [1, 2, 3, 4, 5, 6, 7], "a GPU worker's few threads too");
    assert.deepEqual(engineCpus([6, 2, 4], 1), [4, 6], "a container's CPU set: the lowest of those is left");
  });

  test("one CPU, or an engine told to use every CPU: no confinement", () => {
    assert.equal(engineCpus([3], 1), null);
    assert.equal(engineCpus([0, 1], 2), null);
    assert.equal(engineCpus([0, 1, 2, 3], 8), null);
  });
});

/** A placer over an in-memory table of process CPU sets, recording the sets it wrote. */
function fakePlacer(options: { app?: number[]; platform?: NodeJS.Platform; setCpus?: (pid: number, cpus: string) => Promise<void> } = {}) {
  const app = options.app ?? [0, 1, 2, 3];
  const processes = new Map<number, number[]>([[42, app]]);
  const writes: Array<[number, string]> = [];
  const placer = new LinuxCpuPlacer({
    platform: options.platform ?? "linux",
    allowedCpus: async () => app,
    cpusOf: async (pid) => processes.get(pid) ?? assert.fail(`no process ${pid}`),
    setCpus:
      options.setCpus ??
      (async (pid, cpus) => {
        writes.push([pid, cpus]);
        processes.set(pid, parseCpuList(cpus));
      }),
  });
  return { placer, processes, writes };
}

describe("LinuxCpuPlacer", () => {
  test("confines a worker to the app's CPUs but the first", async () => {
    const { placer, writes } = fakePlacer();
    assert.deepEqual(await placer.place(42, 3), { pinned: true, cpus: "1-3" });
    assert.deepEqual(writes, [[42, "1-3"]]);
  });

  test("a second load in the same worker confines it to the same CPUs, not one fewer", async () => {
    const { placer, writes } = fakePlacer();
    await placer.place(42, 3);
    assert.deepEqual(await placer.place(42, 2), { pinned: true, cpus: "1-3" });
    assert.deepEqual(writes, [[42, "1-3"], [42, "1-3"]]);
  });

  test("a worker told to use every CPU gets all of them back, and one never confined is left alone", async () => {
    const { placer, processes, writes } = fakePlacer();
    await placer.place(42, 3);
    assert.deepEqual(await placer.place(42, 4), { pinned: false, reason: "the engine runs 4 threads on 4 CPUs" });
    assert.deepEqual(processes.get(42), [0, 1, 2, 3]);
    assert.deepEqual(writes, [[42, "1-3"], [42, "0-3"]]);
    await placer.place(42, 4);
    assert.equal(writes.length, 2, "nothing to undo");
  });

  test("one CPU: nothing to do", async () => {
    const { placer, writes } = fakePlacer({ app: [0] });
    assert.deepEqual(await placer.place(42, 1), { pinned: false, reason: "one CPU" });
    assert.deepEqual(writes, []);
  });

  test("other systems: nothing is touched, and the status says why", async () => {
    const { placer, writes } = fakePlacer({ platform: "win32" });
    assert.deepEqual(await placer.place(42, 1), { pinned: false, reason: "CPU placement is done on Linux only" });
    assert.deepEqual(writes, []);
  });

  test("a failure is reported, not thrown", async () => {
    const { placer } = fakePlacer({ setCpus: async () => Promise.reject(new Error("taskset (util-linux) is not installed")) });
    assert.deepEqual(await placer.place(42, 1), { pinned: false, reason: "taskset (util-linux) is not installed" });
  });
});
