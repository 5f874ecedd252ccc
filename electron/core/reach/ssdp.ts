import { createSocket } from "node:dgram";
import type { Clock } from "../runtime/clock.js";
import { closeQuietly, type UdpEndpoint } from "./udp-exchange.js";

/** SSDP's multicast group and port (UPnP Device Architecture 1.1 §1.3). */
export const SSDP_MULTICAST: UdpEndpoint = { address: "239.255.255.250", port: 1900 };

export const IGD_SEARCH_TARGETS = [
  "urn:schemas-upnp-org:device:InternetGatewayDevice:2",
  "urn:schemas-upnp-org:device:InternetGatewayDevice:1",
] as const;

export interface SsdpAnswer {
  /** The device description's URL. */
  location: string;
  searchTarget: string;
  usn: string;
  /** Who answered: the description must live on that host. */
  from: string;
}

/** An M-SEARCH request (UDA 1.1 §1.3.2). */
export function mSearch(searchTarget: string, target: UdpEndpoint, mx = 2): Buffer {
  return Buffer.from(
    ["M-SEARCH * HTTP/1.1", `HOST: ${target.address}:${target.port}`, 'MAN: "ssdp:discover"', `MX: ${mx}`, `ST: ${searchTarget}`, "", ""].join("\r\n"),
  );
}

/** The headers of an SSDP answer (`HTTP/1.1 200 OK` then `NAME: value` lines), names lower-cased; null if it is none. */
export function parseSsdpAnswer(text: string): Record<string, string> | null {
  const [status, ...lines] = text.split("\r\n");
  if (!/^HTTP\/1\.[01] 200\b/i.test(status ?? "")) return null;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

export interface SsdpSearchOptions {
  /** Where M-SEARCH goes: the multicast group by default; tests give a loopback responder. */
  target?: UdpEndpoint;
  clock: Clock;
  /** How long to listen for answers; the search is sent again halfway (UDP may lose it). */
  timeoutMs?: number;
  searchTargets?: readonly string[];
}

/**
 * Sends M-SEARCH for Internet Gateway Devices and resolves with the first answer that names one (with a LOCATION
 * on the answering host), or null when none answered in time.
 */
export async function searchGateway(options: SsdpSearchOptions): Promise<SsdpAnswer | null> {
  const target = options.target ?? SSDP_MULTICAST;
  const searchTargets = options.searchTargets ?? IGD_SEARCH_TARGETS;
  const timeoutMs = options.timeoutMs ?? 3000;
  const socket = createSocket({ type: "udp4", reuseAddr: true });
  const cancels: Array<() => void> = [];
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, () => {
        socket.off("error", reject);
        resolve();
      });
    });
    if (target.address === SSDP_MULTICAST.address) socket.setMulticastTTL(2);
    return await new Promise<SsdpAnswer | null>((resolve) => {
      const send = () => {
        for (const st of searchTargets) socket.send(mSearch(st, target), target.port, target.address, () => {});
      };
      socket.on("message", (message, remote) => {
        const headers = parseSsdpAnswer(message.toString("latin1"));
        if (!headers?.location || !searchTargets.includes(headers.st ?? "")) return;
        let location: URL;
        try {
          location = new URL(headers.location);
        } catch {
          return;
        }
        // A device on the LAN must not send the engine to fetch from another host.
        if (location.protocol !== "http:" || location.hostname !== remote.address) return;
        resolve({ location: location.toString(), searchTarget: headers.st!, usn: headers.usn ?? "", from: remote.address });
      });
      socket.on("error", () => resolve(null));
      send();
      cancels.push(options.clock.setTimer(timeoutMs / 2, send));
      cancels.push(options.clock.setTimer(timeoutMs, () => resolve(null)));
    });
  } finally {
    cancels.forEach((cancel) => cancel());
    closeQuietly(socket);
  }
}
