import type { VectorCheck } from "./types.js";

export const smstChecks: Record<string, VectorCheck> = {};
