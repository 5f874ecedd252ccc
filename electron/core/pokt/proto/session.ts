// Package `pocket.session`: session header, hydrated session, session params and queries.
import { Application } from "./application.js";
import { field, message, type MessageOf } from "./codec.js";
import { Supplier } from "./shared.js";

export const SessionHeader = message("pocket.session.SessionHeader", {
  applicationAddress: field.string(1),
  serviceId: field.string(2),
  /** 64 lowercase hex characters. */
  sessionId: field.string(3),
  sessionStartBlockHeight: field.int64(4),
  /** Last block of the session: start + num_blocks_per_session − 1. */
  sessionEndBlockHeight: field.int64(5),
});
export type SessionHeader = MessageOf<typeof SessionHeader>;

export const Session = message("pocket.session.Session", {
  header: field.message(1, SessionHeader),
  sessionId: field.string(2),
  sessionNumber: field.int64(3),
  numBlocksPerSession: field.int64(4),
  application: field.message(5, Application),
  /** Dehydrated: each carries only its config for the session's service. */
  suppliers: field.repeated(6, Supplier),
});
export type Session = MessageOf<typeof Session>;

/** Field 3 is the only one (1 and 2 were removed upstream). */
export const Params = message("pocket.session.Params", {
  numSuppliersPerSession: field.uint64(3),
});
export type Params = MessageOf<typeof Params>;

export const ParamsUpdate = message("pocket.session.ParamsUpdate", {
  effectiveHeight: field.int64(1),
  params: field.message(2, Params),
});
export type ParamsUpdate = MessageOf<typeof ParamsUpdate>;

export const QueryParamsRequest = message("pocket.session.QueryParamsRequest", {});
export type QueryParamsRequest = MessageOf<typeof QueryParamsRequest>;

export const QueryParamsResponse = message("pocket.session.QueryParamsResponse", {
  params: field.required(1, Params),
});
export type QueryParamsResponse = MessageOf<typeof QueryParamsResponse>;

export const QueryGetSessionRequest = message("pocket.session.QueryGetSessionRequest", {
  applicationAddress: field.string(1),
  serviceId: field.string(2),
  /** 0 = latest. */
  blockHeight: field.int64(3),
});
export type QueryGetSessionRequest = MessageOf<typeof QueryGetSessionRequest>;

export const QueryGetSessionResponse = message("pocket.session.QueryGetSessionResponse", {
  session: field.message(1, Session),
});
export type QueryGetSessionResponse = MessageOf<typeof QueryGetSessionResponse>;
