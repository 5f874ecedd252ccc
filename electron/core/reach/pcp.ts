import { randomBytes } from "node:crypto";
import { isIPv4 } from "node:net";
import type { Clock } from "../runtime/clock.js";
import { udpExchange, type UdpEndpoint } from "./udp-exchange.js";

/** PCP (RFC 6887) shares NAT-PMP's server port, 5351 on the default gateway. */
export const PCP_PORT = 5351;
const VERSION = 2;
const OP_MAP = 1;
const PROTOCOL_TCP = 6;

const RESULT_TEXT: Record<number, string> = {
  1: "unsupported version",
  2: "not authorized (PCP may be turned off on the router)",
  3: "malformed request",
  4: "unsupported opcode",
  5: "unsupported option",
  6: "malformed option",
  7: "network failure (the router has no internet connection yet)",
  8: "no resources (the router has no ports left)",
  9: "unsupported protocol",
  10: "user quota exceeded",
  11: "cannot provide the external port asked for",
  12: "address mismatch (something between this machine and the router rewrites addresses)",
  13: "excessive remote peers",
};

export class PcpError extends Error {
  constructor(readonly resultCode: number) {
    super(`PCP result ${resultCode}: ${RESULT_TEXT[resultCode] ?? "unknown"}`);
    this.name = "PcpError";
  }

  /** The server speaks an older version: NAT-PMP (RFC 6887 §9). */
  get unsupportedVersion(): boolean {
    return this.resultCode === 1;
  }
}

export interface PcpMapping {
  internalPort: number;
  externalPort: number;
  externalAddress: string;
  lifetimeSeconds: number;
  epoch: number;
}

function ipv4Mapped(address: string): Buffer {
  const out = Buffer.alloc(16);
  out.writeUInt16BE(0xffff, 10);
  address.split(".").forEach((part, i) => out.writeUInt8(Number(part), 12 + i));
  return out;
}

function addressFrom(bytes: Buffer): string {
  const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes.readUInt16BE(10) === 0xffff;
  if (mapped) return [...bytes.subarray(12, 16)].join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return groups.join(":");
}

/**
 * A PCP client for MAP requests (inbound TCP port mappings) to one server. A mapping is identified by its nonce:
 * renewals and the deletion repeat it (RFC 6887 §11.2), so one client object holds one mapping.
 */
export class PcpClient {
  private readonly nonce: Buffer;

  constructor(
    private readonly options: { server: UdpEndpoint; clientAddress: string; clock: Clock; retransmitMs?: readonly number[]; nonce?: Buffer },
  ) {
    if (!isIPv4(options.clientAddress)) throw new Error(`PCP client address must be IPv4, got ${options.clientAddress}`);
    this.nonce = options.nonce ?? randomBytes(12);
  }

  /** Creates or renews the mapping; `lifetimeSeconds` 0 deletes it. The server may assign another external port. */
  async map(params: { internalPort: number; suggestedExternalPort: number; suggestedExternalAddress?: string; lifetimeSeconds: number }): Promise<PcpMapping> {
    const request = Buffer.alloc(60);
    request.writeUInt8(VERSION, 0);
    request.writeUInt8(OP_MAP, 1);
    request.writeUInt32BE(params.lifetimeSeconds, 4);
    ipv4Mapped(this.options.clientAddress).copy(request, 8);
    this.nonce.copy(request, 24);
    request.writeUInt8(PROTOCOL_TCP, 36);
    request.writeUInt16BE(params.internalPort, 40);
    request.writeUInt16BE(params.suggestedExternalPort, 42);
    ipv4Mapped(params.suggestedExternalAddress ?? "0.0.0.0").copy(request, 44);
    const { reply } = await udpExchange({
      server: this.options.server,
      request,
      clock: this.options.clock,
      retransmitMs: this.options.retransmitMs,
      accept: (message) => {
        if (message.length < 4 || message.readUInt8(1) !== 0x80 + OP_MAP) return undefined;
        const version = message.readUInt8(0);
        // A NAT-PMP server answers a version it does not know with version 0 and result 1 (RFC 6886 §3.5).
        if (version !== VERSION) return { resultCode: 1, message };
        if (message.length >= 60 && !message.subarray(24, 36).equals(this.nonce)) return undefined;
        return { resultCode: message.readUInt8(3), message };
      },
    });
    if (reply.resultCode !== 0) throw new PcpError(reply.resultCode);
    const m = reply.message;
    if (m.length < 60) throw new Error(`malformed PCP answer (${m.length} bytes)`);
    return {
      lifetimeSeconds: m.readUInt32BE(4),
      epoch: m.readUInt32BE(8),
      internalPort: m.readUInt16BE(40),
      externalPort: m.readUInt16BE(42),
      externalAddress: addressFrom(m.subarray(44, 60)),
    };
  }
}
