// Runs every test tier and ends with one line CI can read: "N passed, N failed".
// Node 20's `node --test <dir>` finds nothing, so test files are listed explicitly.
// `--integration-runs N` runs the integration tier N times (CI uses 2): a test that fails in any run fails.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
const integrationRuns = args.includes("--integration-runs") ? Number(args[args.indexOf("--integration-runs") + 1]) : 1;
if (!Number.isInteger(integrationRuns) || integrationRuns < 1) {
  console.error("--integration-runs takes a whole number of runs, 1 or more");
  process.exit(2);
}
const filters = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--only" && args[i - 1] !== "--integration-runs");
const artifacts = join(root, "artifacts");
mkdirSync(artifacts, { recursive: true });

function findTests(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findTests(path);
    return /\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

let passed = 0;
let failed = 0;
let ranSomething = false;

/** Runs node's test runner over `files`; adds its counts to the totals. */
function runNodeTests(files, label) {
  ranSomething = true;
  const tap = join(artifacts, `node-tests-${label}.tap`);
  const result = spawnSync(
    process.execPath,
    [
      "--import", "tsx",
      "--test",
      "--test-reporter=spec", "--test-reporter-destination=stdout",
      "--test-reporter=tap", `--test-reporter-destination=${tap}`,
      ...files.map((f) => relative(root, f)),
    ],
    { cwd: root, stdio: "inherit", env: { ...process.env, NODE_ENV: "test" } },
  );
  const report = existsSync(tap) ? readFileSync(tap, "utf8") : "";
  const count = (name) => Number(report.match(new RegExp(`^# ${name} (\\d+)$`, "m"))?.[1] ?? 0);
  passed += count("pass");
  failed += count("fail") + count("cancelled");
  if (result.status !== 0 && count("fail") + count("cancelled") === 0) failed += 1; // a crash outside any test
}

if (only !== "e2e") {
  const selected = (dir) =>
    findTests(join(root, "test", dir))
      // Matched against the path inside the project: a checkout's own folder name (e.g. one named after a feature)
      // must not select every test.
      .filter((f) => filters.length === 0 || filters.some((needle) => relative(root, f).includes(needle)))
      .sort();
  const unit = selected("unit");
  const integration = selected("integration");
  const security = selected("security");
  if (unit.length + integration.length + security.length > 0) runNodeTests([...unit, ...integration, ...security], "all");
  for (let run = 2; run <= integrationRuns && integration.length > 0; run++) {
    console.log(`\nIntegration tier, run ${run} of ${integrationRuns} (a flaky test fails here)`);
    runNodeTests(integration, `integration-${run}`);
  }
}

// With names, the e2e tier runs when asked for (--only e2e fleet: the spec files whose names contain "fleet").
if (only !== "node" && (filters.length === 0 || only === "e2e") && existsSync(join(root, "test", "e2e", "playwright.config.ts"))) {
  ranSomething = true;
  const jsonReport = join(artifacts, "e2e-report.json");
  const result = spawnSync(
    "npx",
    // Playwright matches these against whole paths: keep each name to the file name, not the checkout's folders.
    ["playwright", "test", "--config", "test/e2e/playwright.config.ts", ...filters.map((name) => `${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[^/]*$`)],
    { cwd: root, stdio: "inherit", env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: jsonReport } },
  );
  if (existsSync(jsonReport)) {
    const stats = JSON.parse(readFileSync(jsonReport, "utf8")).stats ?? {};
    passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
    failed += stats.unexpected ?? 0;
  }
  if (result.status !== 0 && !existsSync(jsonReport)) failed += 1;
  else if (result.status !== 0 && failed === 0) failed += 1;
}

if (!ranSomething || passed + failed === 0) {
  console.log("no tests were found or executed");
  console.log("0 passed, 1 failed");
  process.exit(1);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
