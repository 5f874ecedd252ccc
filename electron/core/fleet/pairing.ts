// The fleet's cryptography, with no I/O: the pairing code a front node shows, the keys both sides derive from it
// (the code itself never crosses the wire), and the HMAC that authenticates every request the front node sends to an
// inference node. See the README's "Fleet" section for the exchange.
import { createHash, createHmac, hkdfSync, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

/** Crockford base32 without I, L, O, U: a code read aloud or typed from another screen survives. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** 12 characters of base32: 60 bits, shown as XXXX-XXXX-XXXX. */
const CODE_LENGTH = 12;

export function newPairingCode(): string {
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** The code as typed (any case, spaces or dashes, O for 0, I/L for 1) in canonical form; null when it cannot be one. */
export function normalizePairingCode(typed: string): string | null {
  const raw = typed.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  if (raw.length !== CODE_LENGTH || [...raw].some((c) => !ALPHABET.includes(c))) return null;
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
}

/**
 * A DER certificate as PEM: base64 in lines of 64 characters. A DER whose base64 fills its last line exactly gets no
 * empty line before the footer (OpenSSL reads such a PEM as no certificate at all, and a pin made of it trusts nothing).
 */
export function certificatePem(der: Uint8Array): string {
  const lines = Buffer.from(der).toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}

export function newNonce(): string {
  return randomBytes(16).toString("hex");
}

/** What both sides of a pairing saw: the TLS certificates of both ends and a nonce from each. */
export interface PairingTranscript {
  frontFingerprint: string;
  nodeFingerprint: string;
  nodeNonce: string;
  frontNonce: string;
}

function transcriptBytes(t: PairingTranscript): Buffer {
  return Buffer.from(["pocketforge-fleet-pair-v1", t.frontFingerprint, t.nodeFingerprint, t.nodeNonce, t.frontNonce].join("\n"));
}

function keyFromCode(code: string, t: PairingTranscript, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", Buffer.from(code), transcriptBytes(t), Buffer.from(purpose), 32));
}

/**
 * The node's proof that it knows the code, bound to the front node's certificate as the node saw it: a machine in the
 * middle with its own certificate cannot forward it (the front node computes it over its own fingerprint).
 */
export function joinProof(code: string, t: Omit<PairingTranscript, "frontNonce">): string {
  return createHmac("sha256", keyFromCode(code, { ...t, frontNonce: "" }, "join")).update(transcriptBytes({ ...t, frontNonce: "" })).digest("hex");
}

/** The front node's proof, over the whole transcript: the node pins the front node's certificate only after it checks. */
export function acceptProof(code: string, t: PairingTranscript): string {
  return createHmac("sha256", keyFromCode(code, t, "accept")).update(transcriptBytes(t)).digest("hex");
}

/** The request key both sides keep after pairing (hex). It is derived on each side and never sent. */
export function sessionSecret(code: string, t: PairingTranscript): string {
  return keyFromCode(code, t, "requests").toString("hex");
}

export function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

export const FLEET_HEADERS = { node: "x-fleet-node", time: "x-fleet-time", nonce: "x-fleet-nonce", signature: "x-fleet-signature" } as const;

/** How far a request's clock may be from the node's, in either direction. */
export const REQUEST_SKEW_MS = 60_000;

function requestMac(secret: string, method: string, path: string, time: string, nonce: string, body: Uint8Array): string {
  const bodyHash = createHash("sha256").update(body).digest("hex");
  return createHmac("sha256", Buffer.from(secret, "hex")).update([method.toUpperCase(), path, time, nonce, bodyHash].join("\n")).digest("hex");
}

/** The headers that authenticate one request from the front node (method, path, time, a fresh nonce, the body's hash). */
export function signRequest(secret: string, nodeId: string, method: string, path: string, body: Uint8Array, now = Date.now()): Record<string, string> {
  const time = String(now);
  const nonce = newNonce();
  return {
    [FLEET_HEADERS.node]: nodeId,
    [FLEET_HEADERS.time]: time,
    [FLEET_HEADERS.nonce]: nonce,
    [FLEET_HEADERS.signature]: requestMac(secret, method, path, time, nonce, body),
  };
}

/** Remembers nonces for twice the allowed skew, so a recorded request cannot be played again. */
export class NonceWindow {
  private readonly seen = new Map<string, number>();
  constructor(private readonly ttlMs = 2 * REQUEST_SKEW_MS) {}

  /** True the first time a nonce is offered within its window. */
  admit(nonce: string, now: number): boolean {
    for (const [old, at] of this.seen) {
      if (now - at <= this.ttlMs) break;
      this.seen.delete(old);
    }
    if (this.seen.has(nonce)) return false;
    this.seen.set(nonce, now);
    return true;
  }
}

export type VerifyOutcome = "ok" | "missing" | "stale" | "replayed" | "bad_signature";

/**
 * What can be checked of a request's headers before its body is read: present and well formed, this node's id, and
 * a time within the allowed skew. "ok" here means only that the signature is worth checking once the body is in.
 */
export function precheckRequest(nodeId: string, headers: Record<string, string | string[] | undefined>, now = Date.now()): Exclude<VerifyOutcome, "replayed"> {
  const one = (name: string) => {
    const value = headers[name];
    return typeof value === "string" ? value : undefined;
  };
  const node = one(FLEET_HEADERS.node);
  const time = one(FLEET_HEADERS.time);
  const nonce = one(FLEET_HEADERS.nonce);
  const signature = one(FLEET_HEADERS.signature);
  if (!node || !time || !nonce || !signature || !/^[0-9a-f]{32}$/.test(nonce) || !/^[0-9a-f]{64}$/.test(signature)) return "missing";
  if (node !== nodeId) return "bad_signature";
  if (!/^\d{1,15}$/.test(time) || Math.abs(now - Number(time)) > REQUEST_SKEW_MS) return "stale";
  return "ok";
}

export function verifyRequest(
  secret: string,
  nodeId: string,
  headers: Record<string, string | string[] | undefined>,
  method: string,
  path: string,
  body: Uint8Array,
  nonces: NonceWindow,
  now = Date.now(),
): VerifyOutcome {
  const pre = precheckRequest(nodeId, headers, now);
  if (pre !== "ok") return pre;
  const time = headers[FLEET_HEADERS.time] as string;
  const nonce = headers[FLEET_HEADERS.nonce] as string;
  const signature = headers[FLEET_HEADERS.signature] as string;
  if (!sameHex(signature, requestMac(secret, method, path, time, nonce, body))) return "bad_signature";
  if (!nonces.admit(nonce, now)) return "replayed";
  return "ok";
}
