import type { FleetStatus } from "../../../../shared/api/index.js";
import { Button } from "../../kit/Button.js";

type Machine = FleetStatus["discovered"][number];

/**
 * A front node's view of the inference nodes found on the LAN that it has not paired. Pairing is finished on the node
 * (its owner types the code), so each row opens a pairing and the card says where to type it.
 */
export function DiscoveredNodes({ machines, busy, onPair }: { machines: Machine[]; busy?: boolean; onPair: (machine: Machine) => void }) {
  if (machines.length === 0) {
    return (
      <p data-testid="fleet-discovered" className="muted">
        No unpaired PocketForge found on this network. An inference node is found once it listens on its LAN address; where
        multicast does not pass, pair it by address.
      </p>
    );
  }
  return (
    <table className="table" data-testid="fleet-discovered">
      <thead>
        <tr>
          <th>Found on this network</th>
          <th>Fleet listener</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {machines.map((machine) => (
          <tr key={machine.name}>
            <td>{machine.name}</td>
            <td>
              <code>{machine.url}</code>
            </td>
            <td>
              <Button size="small" busy={busy} onClick={() => onPair(machine)}>
                Pair this machine
              </Button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** An inference node's view of the front nodes found on the LAN: picking one fills in its address. */
export function DiscoveredFronts({ machines, chosen, onUse }: { machines: Machine[]; chosen: string; onUse: (machine: Machine) => void }) {
  if (machines.length === 0) return null;
  return (
    <div data-testid="fleet-discovered">
      <p>Front nodes on this network:</p>
      <ul className="plain-list">
        {machines.map((machine) => (
          <li key={machine.name}>
            <strong>{machine.name}</strong> <code>{machine.url}</code>{" "}
            <Button size="small" variant={chosen === machine.url ? "primary" : "secondary"} onClick={() => onUse(machine)}>
              {chosen === machine.url ? "Chosen" : "Use this front node"}
            </Button>
          </li>
        ))}
      </ul>
    </div>
  );
}
