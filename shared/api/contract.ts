import type { z } from "zod";
import { appEvents, appMethods } from "./app.js";
import { chainEvents, chainMethods } from "./chain.js";
import { alertsEvents, alertsMethods } from "./alerts.js";
import { availabilityEvents, availabilityMethods } from "./availability.js";
import { hardwareEvents, hardwareMethods } from "./hardware.js";
import { inferenceEvents, inferenceMethods } from "./inference.js";
import { modelsEvents, modelsMethods } from "./models.js";
import { relayMinerEvents, relayMinerMethods } from "./relayminer.js";
import { preferencesEvents, preferencesMethods } from "./preferences.js";
import { rigEvents, rigMethods } from "./rig.js";
import { settingsEvents, settingsMethods } from "./settings.js";
import { sharingEvents, sharingMethods } from "./sharing.js";
import { stakingEvents, stakingMethods } from "./staking.js";
import { updatesEvents, updatesMethods } from "./updates.js";
import { reachEvents, reachMethods } from "./reach.js";
import { fleetEvents, fleetMethods } from "./fleet.js";
import { walletEvents, walletMethods } from "./wallet.js";
import { ApiError, parseWith, type EventMap, type MethodMap } from "./define.js";

/** Bumped when a method or event changes shape incompatibly; the renderer refuses a mismatched engine. */
export const API_VERSION = 1;

/** Every method the engine offers, in one place: the preload bridge and the WebSocket server expose exactly these. */
export const apiMethods = {
  ...appMethods,
  ...hardwareMethods,
  ...inferenceMethods,
  ...modelsMethods,
  ...sharingMethods,
  ...walletMethods,
  ...settingsMethods,
  ...availabilityMethods,
  ...alertsMethods,
  ...rigMethods,
  ...chainMethods,
  ...relayMinerMethods,
  ...stakingMethods,
  ...reachMethods,
  ...fleetMethods,
  ...preferencesMethods,
  ...updatesMethods,
} satisfies MethodMap;

/** Every event the engine pushes. */
export const apiEvents = {
  ...appEvents,
  ...hardwareEvents,
  ...inferenceEvents,
  ...modelsEvents,
  ...sharingEvents,
  ...walletEvents,
  ...settingsEvents,
  ...availabilityEvents,
  ...alertsEvents,
  ...rigEvents,
  ...chainEvents,
  ...relayMinerEvents,
  ...stakingEvents,
  ...reachEvents,
  ...fleetEvents,
  ...preferencesEvents,
  ...updatesEvents,
} satisfies EventMap;

export type ApiMethods = typeof apiMethods;
export type ApiEvents = typeof apiEvents;
export type MethodName = keyof ApiMethods & string;
export type EventName = keyof ApiEvents & string;
export type MethodParams<M extends MethodName> = z.input<ApiMethods[M]["params"]>;
export type ParsedParams<M extends MethodName> = z.output<ApiMethods[M]["params"]>;
export type MethodResult<M extends MethodName> = z.output<ApiMethods[M]["result"]>;
export type EventPayload<E extends EventName> = z.output<ApiEvents[E]>;

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === "string" && Object.prototype.hasOwnProperty.call(apiMethods, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === "string" && Object.prototype.hasOwnProperty.call(apiEvents, name);
}

/** Validates a call arriving at the engine; throws ApiError with a sentence naming every bad field. */
export function parseCall<M extends MethodName>(name: unknown, params: unknown): { method: M; params: ParsedParams<M> } {
  if (!isMethodName(name)) throw new ApiError("unknown_method", `Unknown API method "${String(name)}"`);
  const spec = apiMethods[name];
  return { method: name as M, params: parseWith(spec.params, params ?? {}, `parameters for ${name}`) as ParsedParams<M> };
}

export function parseResult<M extends MethodName>(name: M, result: unknown): MethodResult<M> {
  return parseWith(apiMethods[name].result, result, `result of ${name}`) as MethodResult<M>;
}

export function parseEvent<E extends EventName>(name: E, payload: unknown): EventPayload<E> {
  return parseWith(apiEvents[name], payload, `payload of event ${name}`) as EventPayload<E>;
}

/** The object the renderer holds. It cannot tell whether IPC or a WebSocket is behind it. */
export interface PocketForgeApi {
  invoke<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
