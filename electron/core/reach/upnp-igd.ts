import { XMLParser } from "fast-xml-parser";

/** The WAN connection services that map ports, best first: v2 adds AddAnyPortMapping (the router picks a free port). */
export const WAN_SERVICES = [
  "urn:schemas-upnp-org:service:WANIPConnection:2",
  "urn:schemas-upnp-org:service:WANIPConnection:1",
  "urn:schemas-upnp-org:service:WANPPPConnection:1",
] as const;

/** UPnP error codes of WANIPConnection (v1 §2.4, v2 §2.5) that the mapper acts on. */
export const UPNP_ERRORS = {
  ActionNotAuthorized: 606,
  NoSuchEntryInArray: 714,
  ConflictInMappingEntry: 718,
  SamePortValuesRequired: 724,
  OnlyPermanentLeasesSupported: 725,
  NoPortMapsAvailable: 728,
  ConflictWithOtherMechanisms: 729,
} as const;

export class UpnpError extends Error {
  constructor(readonly code: number, readonly description: string, readonly action: string) {
    super(`${action} refused: UPnP error ${code} ${description}`);
    this.name = "UpnpError";
  }
}

export interface PortMappingEntry {
  externalPort: number;
  internalPort: number;
  internalClient: string;
  enabled: boolean;
  description: string;
  leaseSeconds: number;
}

const MAX_XML_BYTES = 256 * 1024;
const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  isArray: (name) => name === "service" || name === "device",
});

interface DescribedService {
  serviceType?: string;
  controlURL?: string;
}
interface DescribedDevice {
  serviceList?: { service?: DescribedService[] };
  deviceList?: { device?: DescribedDevice[] };
}

function servicesOf(devices: DescribedDevice[] | undefined): DescribedService[] {
  return (devices ?? []).flatMap((device) => [...(device.serviceList?.service ?? []), ...servicesOf(device.deviceList?.device)]);
}

function escapeXml(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);
}

async function readXml(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length > MAX_XML_BYTES) throw new Error(`the device's answer is too large (${text.length} bytes)`);
  return parser.parse(text);
}

/**
 * A UPnP Internet Gateway Device's WAN connection service (WANIPConnection v1/v2 or WANPPPConnection v1), spoken to
 * with SOAP over HTTP. Opened from the description URL an SSDP answer gave; the control URL must be on that host.
 */
export class IgdClient {
  private constructor(
    readonly location: string,
    readonly serviceType: string,
    readonly controlUrl: string,
    private readonly fetchImpl: typeof fetch,
    private readonly timeoutMs: number,
  ) {}

  /** IGD v2 when the service is WANIPConnection:2 (AddAnyPortMapping exists). */
  get version(): 1 | 2 {
    return this.serviceType.endsWith(":2") ? 2 : 1;
  }

  get host(): string {
    return new URL(this.location).hostname;
  }

  static async open(location: string, options: { fetch?: typeof fetch; timeoutMs?: number } = {}): Promise<IgdClient> {
    const fetchImpl = options.fetch ?? fetch;
    const timeoutMs = options.timeoutMs ?? 5000;
    const response = await fetchImpl(location, { signal: AbortSignal.timeout(timeoutMs), redirect: "error" });
    if (!response.ok) throw new Error(`the device description at ${location} answered HTTP ${response.status}`);
    const description = (await readXml(response)) as { root?: { URLBase?: string; device?: DescribedDevice[] } };
    const services = servicesOf(description.root?.device);
    for (const type of WAN_SERVICES) {
      const service = services.find((s) => s.serviceType === type && s.controlURL);
      if (!service) continue;
      const base = new URL(description.root?.URLBase || location);
      const control = new URL(service.controlURL!, base);
      if (control.host !== new URL(location).host) throw new Error(`the device's control URL ${control} is not on the device (${new URL(location).host})`);
      return new IgdClient(location, type, control.toString(), fetchImpl, timeoutMs);
    }
    throw new Error(`the device at ${location} offers no WANIPConnection or WANPPPConnection service`);
  }

  async externalAddress(): Promise<string> {
    const reply = await this.call("GetExternalIPAddress", []);
    return String(reply.NewExternalIPAddress ?? "").trim();
  }

  /** Adds (or, for the same client, refreshes) a TCP mapping; `leaseSeconds` 0 asks for a permanent one. */
  async addPortMapping(params: { externalPort: number; internalPort: number; internalClient: string; leaseSeconds: number; description: string }): Promise<void> {
    await this.call("AddPortMapping", this.mappingArgs(params));
  }

  /** IGD v2 only: the router reserves the asked port or a free one, and says which. */
  async addAnyPortMapping(params: { externalPort: number; internalPort: number; internalClient: string; leaseSeconds: number; description: string }): Promise<number> {
    const reply = await this.call("AddAnyPortMapping", this.mappingArgs(params));
    return Number(reply.NewReservedPort);
  }

  /** The mapping of a TCP external port, or null when the router holds none. */
  async getSpecificPortMappingEntry(externalPort: number): Promise<PortMappingEntry | null> {
    try {
      const reply = await this.call("GetSpecificPortMappingEntry", [
        ["NewRemoteHost", ""],
        ["NewExternalPort", String(externalPort)],
        ["NewProtocol", "TCP"],
      ]);
      return {
        externalPort,
        internalPort: Number(reply.NewInternalPort),
        internalClient: String(reply.NewInternalClient ?? ""),
        enabled: String(reply.NewEnabled) === "1" || String(reply.NewEnabled).toLowerCase() === "true",
        description: String(reply.NewPortMappingDescription ?? ""),
        leaseSeconds: Number(reply.NewLeaseDuration ?? 0),
      };
    } catch (error) {
      if (error instanceof UpnpError && error.code === UPNP_ERRORS.NoSuchEntryInArray) return null;
      throw error;
    }
  }

  async deletePortMapping(externalPort: number): Promise<void> {
    await this.call("DeletePortMapping", [
      ["NewRemoteHost", ""],
      ["NewExternalPort", String(externalPort)],
      ["NewProtocol", "TCP"],
    ]);
  }

  private mappingArgs(params: { externalPort: number; internalPort: number; internalClient: string; leaseSeconds: number; description: string }): Array<[string, string]> {
    return [
      ["NewRemoteHost", ""],
      ["NewExternalPort", String(params.externalPort)],
      ["NewProtocol", "TCP"],
      ["NewInternalPort", String(params.internalPort)],
      ["NewInternalClient", params.internalClient],
      ["NewEnabled", "1"],
      ["NewPortMappingDescription", params.description],
      ["NewLeaseDuration", String(params.leaseSeconds)],
    ];
  }

  private async call(action: string, args: Array<[string, string]>): Promise<Record<string, unknown>> {
    const body =
      `<?xml version="1.0"?>\r\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">` +
      `<s:Body><u:${action} xmlns:u="${this.serviceType}">` +
      args.map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`).join("") +
      `</u:${action}></s:Body></s:Envelope>\r\n`;
    const response = await this.fetchImpl(this.controlUrl, {
      method: "POST",
      headers: { "content-type": 'text/xml; charset="utf-8"', soapaction: `"${this.serviceType}#${action}"` },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
      redirect: "error",
    });
    const parsed = (await readXml(response)) as { Envelope?: { Body?: Record<string, any> } };
    const envelopeBody = parsed.Envelope?.Body ?? {};
    const fault = envelopeBody.Fault;
    if (fault) {
      const error = fault.detail?.UPnPError ?? {};
      throw new UpnpError(Number(error.errorCode ?? -1), String(error.errorDescription ?? fault.faultstring ?? "unknown fault"), action);
    }
    if (!response.ok) throw new Error(`${action}: the device answered HTTP ${response.status}`);
    const reply = envelopeBody[`${action}Response`];
    if (reply === undefined) throw new Error(`${action}: the device's answer has no ${action}Response`);
    return typeof reply === "object" && reply !== null ? reply : {};
  }
}
