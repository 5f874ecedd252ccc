import { createSocket, type Socket } from "node:dgram";
import type { Clock } from "../runtime/clock.js";

export interface UdpEndpoint {
  address: string;
  port: number;
}

/** No answer after every retransmission: nothing listens there, or it drops what we send. */
export class UdpTimeoutError extends Error {
  constructor(readonly server: UdpEndpoint, readonly tries: number) {
    super(`no answer from ${server.address}:${server.port} after ${tries} tries`);
    this.name = "UdpTimeoutError";
  }
}

/** The host answered "port unreachable": no server of this protocol runs there. */
export class UdpRefusedError extends Error {
  constructor(readonly server: UdpEndpoint) {
    super(`${server.address}:${server.port} refused (nothing listens there)`);
    this.name = "UdpRefusedError";
  }
}

/**
 * RFC 6886 §3.1 and RFC 6887 §8.1.1: start at 250 ms and double. Four tries cover ~4 s; a router that answers at all
 * answers the first. The timers run on the engine's clock, so tests drive retransmission instead of waiting.
 */
export const DEFAULT_RETRANSMIT_MS = [250, 500, 1000, 2000];

export interface UdpExchangeOptions<T> {
  server: UdpEndpoint;
  request: Uint8Array;
  /** Returns the parsed answer to this request, or undefined for a datagram that is not one (ignored). */
  accept(message: Buffer): T | undefined;
  clock: Clock;
  retransmitMs?: readonly number[];
}

/**
 * One request/answer over UDP from a connected socket (so an ICMP "port unreachable" surfaces as a refusal at once,
 * and only datagrams from the server arrive), retransmitted on the clock until answered.
 */
export async function udpExchange<T>(options: UdpExchangeOptions<T>): Promise<{ reply: T; localAddress: string }> {
  const socket = createSocket("udp4");
  const schedule = options.retransmitMs ?? DEFAULT_RETRANSMIT_MS;
  let cancel: () => void = () => {};
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.connect(options.server.port, options.server.address, () => {
        socket.off("error", reject);
        resolve();
      });
    });
    const localAddress = socket.address().address;
    const reply = await new Promise<T>((resolve, reject) => {
      let tries = 0;
      const send = () => {
        tries += 1;
        socket.send(options.request, (error) => error && reject(error));
        const wait = schedule[tries - 1];
        cancel = options.clock.setTimer(wait ?? 0, () => (tries < schedule.length ? send() : reject(new UdpTimeoutError(options.server, tries))));
      };
      socket.on("message", (message) => {
        const parsed = safeAccept(options.accept, message);
        if (parsed !== undefined) resolve(parsed);
      });
      socket.on("error", (error: NodeJS.ErrnoException) => reject(error.code === "ECONNREFUSED" ? new UdpRefusedError(options.server) : error));
      send();
    });
    return { reply, localAddress };
  } finally {
    cancel();
    closeQuietly(socket);
  }
}

function safeAccept<T>(accept: (message: Buffer) => T | undefined, message: Buffer): T | undefined {
  try {
    return accept(message);
  } catch {
    // A malformed datagram is not our answer; keep waiting for one.
    return undefined;
  }
}

export function closeQuietly(socket: Socket): void {
  try {
    socket.close();
  } catch {
    // already closed
  }
}

/** The address this machine uses toward `remote` (no packet is sent: a UDP connect only picks the route). */
export async function localAddressToward(remote: string): Promise<string> {
  const socket = createSocket("udp4");
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.connect(9, remote, () => resolve());
    });
    return socket.address().address;
  } finally {
    closeQuietly(socket);
  }
}
