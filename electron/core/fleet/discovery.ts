// Where the fleet learns of PocketForge machines on the LAN, and how this machine's fleet listener lets itself be
// found. Manual addresses need nothing here; the DNS-SD of model sharing (`_pocketforge._tcp`, app/fleet-discovery.ts)
// is the one implementation. A front node is offered the inference nodes it has not paired; an inference node is
// offered the front nodes it could join.
export type FleetListenerRole = "front" | "node";

export interface DiscoveredMachine {
  /** The machine's instance name. */
  name: string;
  /** Its fleet listener, https://address:port. */
  url: string;
  /** What it is in a fleet. */
  role: FleetListenerRole;
}

export interface FleetDiscovery {
  /** Starts browsing; `found` is called with every machine seen (again when it changes). Returns stop. */
  browse(found: (machine: DiscoveredMachine) => void, lost: (name: string) => void): () => void;
  /**
   * Announces this machine's fleet listener (listening beyond loopback) and its role, or withdraws it (null).
   * Resolves once the change has been sent.
   */
  advertise(listener: { port: number; role: FleetListenerRole } | null): Promise<void>;
}
