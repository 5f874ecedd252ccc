// FleetDiscovery over the engine's one mDNS socket (model sharing's MdnsPeers), joined here in the composition root since
// the fleet and models rooms do not import each other: this machine's fleet port goes into the same
// `_pocketforge._tcp` announcement as the model gateway (TXT `fleet=<port>`, and `role=front` on a front node), and
// the others' are heard as https://address:port. This machine's own announcement is not offered.
import type { MdnsPeers } from "../models/sharing/mdns.js";
import type { DiscoveredMachine, FleetDiscovery, FleetListenerRole } from "../fleet/discovery.js";

export class MdnsFleetDiscovery implements FleetDiscovery {
  constructor(private readonly mdns: MdnsPeers) {}

  browse(found: (machine: DiscoveredMachine) => void, lost: (name: string) => void): () => void {
    const mine = new Set<string>();
    return this.mdns.watch({
      fleetUp: (node) => {
        if (node.id === this.mdns.selfId) return;
        mine.add(node.name);
        found({ name: node.name, url: node.url, role: node.role });
      },
      fleetDown: (name) => {
        if (mine.delete(name)) lost(name);
      },
    });
  }

  advertise(listener: { port: number; role: FleetListenerRole } | null): Promise<void> {
    return this.mdns.setFleet(listener);
  }
}
