// The rooms of DESIGN.md, enforced: prints every import that crosses a wall and exits non-zero if any does.
import { findLayerViolations } from "../test/helpers/layers.js";

const violations = findLayerViolations();
for (const v of violations) console.error(`${v.file}: imports "${v.specifier}" — ${v.rule}`);
if (violations.length > 0) process.exit(1);
console.log("layering: ok");
