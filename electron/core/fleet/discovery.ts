// Where the fleet learns of PocketForge machines on the LAN. Manual addresses need nothing here; the DNS-SD browser of
// model sharing (`_pocketforge._tcp`) plugs in as a FleetDiscovery, and what it finds is offered on the Fleet page.
export interface DiscoveredMachine {
  /** The machine's instance name. */
  name: string;
  /** Its fleet listener, https://address:port. */
  url: string;
}

export interface FleetDiscovery {
  /** Starts browsing; `found` is called with every machine seen (again when its address changes). Returns stop. */
  browse(found: (machine: DiscoveredMachine) => void, lost: (name: string) => void): () => void;
}
