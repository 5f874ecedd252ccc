// FleetDiscovery over the engine's one mDNS socket (model sharing's MdnsPeers), joined here in the composition root since
// the fleet and models rooms do not import each other: an inference node's fleet port goes
// into the same `_pocketforge._tcp` announcement as the model gateway (TXT `fleet=<port>`), and a front node hears the
// others' as https://address:port. This machine's own announcement is not offered.
import type { MdnsPeers } from "../models/sharing/mdns.js";
import type { DiscoveredMachine, FleetDiscovery } from "../fleet/discovery.js";

export class MdnsFleetDiscovery implements FleetDiscovery {
  constructor(private readonly mdns: MdnsPeers) {}

  browse(found: (machine: DiscoveredMachine) => void, lost: (name: string) => void): () => void {
    const mine = new Set<string>();
    return this.mdns.watch({
      fleetUp: (node) => {
        if (node.id === this.mdns.selfId) return;
        mine.add(node.name);
        found({ name: node.name, url: node.url });
      },
      fleetDown: (name) => {
        if (mine.delete(name)) lost(name);
      },
    });
  }

  advertise(port: number | null): Promise<void> {
    return this.mdns.setFleetPort(port);
  }
}
