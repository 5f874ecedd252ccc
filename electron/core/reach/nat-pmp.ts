import type { Clock } from "../runtime/clock.js";
import { udpExchange, type UdpEndpoint } from "./udp-exchange.js";

/** NAT-PMP (RFC 6886): the gateway listens on UDP 5351 of the default gateway address. */
export const NAT_PMP_PORT = 5351;

const OP_EXTERNAL_ADDRESS = 0;
const OP_MAP_UDP = 1;
const OP_MAP_TCP = 2;

const RESULT_TEXT: Record<number, string> = {
  1: "unsupported version",
  2: "not authorized or refused (NAT-PMP may be turned off on the router)",
  3: "network failure (the router has no internet connection or address yet)",
  4: "out of resources (the router has no ports left to map)",
  5: "unsupported opcode",
};

export class NatPmpError extends Error {
  constructor(readonly resultCode: number) {
    super(`NAT-PMP result ${resultCode}: ${RESULT_TEXT[resultCode] ?? "unknown"}`);
    this.name = "NatPmpError";
  }
}

export interface NatPmpMapping {
  internalPort: number;
  externalPort: number;
  lifetimeSeconds: number;
  /** Seconds since the router's mapping table started (RFC 6886 §3.6): going backwards means it was reset. */
  epoch: number;
}

interface Reply {
  version: number;
  op: number;
  resultCode: number;
  epoch: number;
  body: Buffer;
}

/** A NAT-PMP client for one gateway; the gateway's address and port are given (tests point them at loopback). */
export class NatPmpClient {
  constructor(
    private readonly options: { server: UdpEndpoint; clock: Clock; retransmitMs?: readonly number[] },
  ) {}

  async externalAddress(): Promise<{ address: string; epoch: number }> {
    const reply = await this.exchange(Uint8Array.of(0, OP_EXTERNAL_ADDRESS), OP_EXTERNAL_ADDRESS, 12);
    return { address: [...reply.body.subarray(8, 12)].join("."), epoch: reply.epoch };
  }

  /** Maps (or renews, or with lifetime 0 deletes) a TCP port. The router may grant another external port. */
  async map(params: { internalPort: number; externalPort: number; lifetimeSeconds: number; protocol?: "tcp" | "udp" }): Promise<NatPmpMapping> {
    const op = params.protocol === "udp" ? OP_MAP_UDP : OP_MAP_TCP;
    const request = Buffer.alloc(12);
    request.writeUInt8(0, 0);
    request.writeUInt8(op, 1);
    request.writeUInt16BE(params.internalPort, 4);
    request.writeUInt16BE(params.externalPort, 6);
    request.writeUInt32BE(params.lifetimeSeconds, 8);
    const reply = await this.exchange(request, op, 16);
    return {
      internalPort: reply.body.readUInt16BE(8),
      externalPort: reply.body.readUInt16BE(10),
      lifetimeSeconds: reply.body.readUInt32BE(12),
      epoch: reply.epoch,
    };
  }

  /** RFC 6886 §3.4: a request with lifetime 0 and external port 0 deletes the mapping of that internal port. */
  async unmap(internalPort: number): Promise<void> {
    await this.map({ internalPort, externalPort: 0, lifetimeSeconds: 0 });
  }

  private async exchange(request: Uint8Array, op: number, minLength: number): Promise<Reply> {
    const { reply } = await udpExchange<Reply>({
      server: this.options.server,
      request,
      clock: this.options.clock,
      retransmitMs: this.options.retransmitMs,
      accept: (message) => {
        if (message.length < 8 || message.readUInt8(1) !== 128 + op) return undefined;
        return { version: message.readUInt8(0), op, resultCode: message.readUInt16BE(2), epoch: message.readUInt32BE(4), body: message };
      },
    });
    if (reply.resultCode !== 0) throw new NatPmpError(reply.resultCode);
    if (reply.version !== 0 || reply.body.length < minLength) throw new Error(`malformed NAT-PMP answer (version ${reply.version}, ${reply.body.length} bytes)`);
    return reply;
  }
}
