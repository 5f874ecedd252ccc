import type { VectorCheck } from "./types.js";

export const ringChecks: Record<string, VectorCheck> = {};
