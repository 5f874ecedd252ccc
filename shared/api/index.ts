export * from "./define.js";
export * from "./contract.js";
export * from "./wire.js";
export * from "./app.js";
export * from "./hardware.js";
export * from "./inference.js";
export * from "./wallet.js";
export * from "./ipc.js";
