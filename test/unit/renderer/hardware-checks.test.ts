import { test } from "node:test";
import assert from "node:assert/strict";
import type { HardwareInfo } from "../../../shared/api/index.js";
import { hardwareProblems } from "../../../renderer/src/view-models/hardware-checks.js";

const GIB = 1024 ** 3;

function hardware(patch: Partial<HardwareInfo> = {}, compute: Partial<HardwareInfo["compute"]> = {}): HardwareInfo {
  return {
    cpu: { manufacturer: "AMD", brand: "Ryzen 7", cores: 16, physicalCores: 8, speedGHz: 3.8 },
    memory: { totalBytes: 32 * GIB, availableBytes: 20 * GIB },
    os: { platform: "linux", distro: "Debian", release: "12", arch: "x64" },
    gpus: [{ index: 0, vendor: "NVIDIA", model: "RTX 3090", vramBytes: 24 * GIB, driverVersion: "550.54", busAddress: null }],
    ...patch,
    compute: { backend: "cuda", deviceNames: ["RTX 3090"], vramTotalBytes: 24 * GIB, advice: [], ...compute },
  };
}

test("a healthy GPU machine has nothing to fix", () => {
  assert.deepEqual(hardwareProblems(hardware()), []);
});

test("the engine's advice is split into the problem and its fix", () => {
  const problems = hardwareProblems(
    hardware({}, { backend: "cpu", advice: ["An NVIDIA GPU (RTX 3090) was found but CUDA is not in use: install or update the NVIDIA driver (version 535 or newer), then restart PocketForge."] }),
  );
  assert.equal(problems[0].problem, "An NVIDIA GPU (RTX 3090) was found but CUDA is not in use.");
  assert.equal(problems[0].fix, "Install or update the NVIDIA driver (version 535 or newer), then restart PocketForge.");
});

test("low RAM, a small GPU and a missing NVIDIA driver are each reported with a fix", () => {
  const problems = hardwareProblems(
    hardware(
      {
        memory: { totalBytes: 6 * GIB, availableBytes: 2 * GIB },
        gpus: [{ index: 1, vendor: "NVIDIA", model: "GTX 1050", vramBytes: 2 * GIB, driverVersion: null, busAddress: null }],
      },
      { backend: "cpu" },
    ),
  );
  assert.equal(problems.length, 3);
  assert.match(problems[0].problem, /6\.00 GiB of RAM/);
  assert.match(problems[1].problem, /GPU #1 \(GTX 1050\) has only 2\.00 GiB/);
  assert.equal(problems[2].severity, "error");
  assert.match(problems[2].fix, /Install the NVIDIA driver/);
  assert.ok(problems.every((p) => p.fix.length > 10));
});
