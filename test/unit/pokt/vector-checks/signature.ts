import type { VectorCheck } from "./types.js";

export const signatureChecks: Record<string, VectorCheck> = {};
