// Where the fleet learns of PocketForge machines on the LAN, and how an inference node lets itself be found. Manual
// addresses need nothing here; the DNS-SD of model sharing (`_pocketforge._tcp`, app/fleet-discovery.ts) is the one
// implementation, and what it finds is offered on the Fleet page.
export interface DiscoveredMachine {
  /** The machine's instance name. */
  name: string;
  /** Its fleet listener, https://address:port. */
  url: string;
}

export interface FleetDiscovery {
  /** Starts browsing; `found` is called with every machine seen (again when its address changes). Returns stop. */
  browse(found: (machine: DiscoveredMachine) => void, lost: (name: string) => void): () => void;
  /**
   * Announces this machine's fleet listener (an inference node listening beyond loopback), or withdraws it (null).
   * Resolves once the change has been sent.
   */
  advertise(port: number | null): Promise<void>;
}
