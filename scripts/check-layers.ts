// The rooms of docs/architecture.md, enforced: prints every import that crosses a wall and every import cycle,
// and exits non-zero if there is any.
import { findImportCycles, findLayerViolations } from "./layers.js";

const violations = findLayerViolations();
for (const v of violations) console.error(`${v.file}: imports "${v.specifier}" — ${v.rule}`);
const cycles = findImportCycles();
for (const cycle of cycles) console.error(`import cycle: ${cycle.join(" → ")}`);
if (violations.length > 0 || cycles.length > 0) process.exit(1);
console.log("layering: ok (no wall crossed, no import cycle)");
