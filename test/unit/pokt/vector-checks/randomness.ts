import type { VectorCheck } from "./types.js";

export const randomnessChecks: Record<string, VectorCheck> = {};
