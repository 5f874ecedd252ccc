import type { EventMap, MethodMap } from "./define.js";

// Filled by the wallet work (issue 4).
export const walletMethods = {} satisfies MethodMap;
export const walletEvents = {} satisfies EventMap;
