export type { BenchRow } from "../types.js";
