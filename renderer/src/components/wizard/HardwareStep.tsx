import { formatBytes } from "../../../../shared/format.js";
import { useApi } from "../../api/api-context.js";
import { Badge } from "../../kit/Badge.js";
import { Button } from "../../kit/Button.js";
import { Card } from "../../kit/Card.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { useAction } from "../../hooks/useAction.js";
import { useEngine } from "../../stores/engine-store.js";
import { hardwareProblems } from "../../view-models/hardware-checks.js";
import { WizardNav } from "./WizardNav.js";

export function HardwareStep() {
  const api = useApi();
  const hardware = useEngine((s) => s.hardware);
  const error = useEngine((s) => s.hardwareError);
  const recheck = useAction(async () => useEngine.setState({ hardware: await api.invoke("hardware.info", {}), hardwareError: null }));
  const problems = hardware ? hardwareProblems(hardware) : [];
  const cpuOnly = hardware?.compute.backend === "cpu";

  return (
    <div className="stack" data-testid="step-hardware">
      {error && <ErrorMessage error={error} title="The hardware could not be read." />}
      {!hardware ? (
        <p className="muted">Detecting CPU, memory, GPUs and the compute backend…</p>
      ) : (
        <>
          <Card
            title="This machine"
            actions={
              <Button variant="secondary" size="small" busy={recheck.busy} onClick={() => void recheck.run()}>
                Check again
              </Button>
            }
          >
            <dl className="facts">
              <dt>Compute backend</dt>
              <dd data-testid="hw-backend">
                <Badge tone={cpuOnly ? "warn" : "ok"}>{hardware.compute.backend.toUpperCase()}</Badge>{" "}
                {hardware.compute.deviceNames.join(", ")}
                {hardware.compute.vramTotalBytes ? ` · ${formatBytes(hardware.compute.vramTotalBytes)} VRAM in total` : ""}
              </dd>
              <dt>CPU</dt>
              <dd>
                {hardware.cpu.brand} · {hardware.cpu.cores} threads
              </dd>
              <dt>Memory</dt>
              <dd>
                {formatBytes(hardware.memory.totalBytes)} RAM ({formatBytes(hardware.memory.availableBytes)} available)
              </dd>
            </dl>
            {hardware.gpus.length > 0 ? (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">GPU</th>
                      <th scope="col">Model</th>
                      <th scope="col" className="num">VRAM</th>
                      <th scope="col">Driver</th>
                    </tr>
                  </thead>
                  <tbody>
                    {hardware.gpus.map((gpu) => (
                      <tr key={gpu.index}>
                        <td>#{gpu.index}</td>
                        <td>
                          {gpu.vendor} {gpu.model}
                        </td>
                        <td className="num">{formatBytes(gpu.vramBytes)}</td>
                        <td>{gpu.driverVersion ?? "not reported"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : (
              <p className="muted">No GPU detected.</p>
            )}
          </Card>
          {problems.length === 0 && !cpuOnly && (
            <Message tone="ok" title="Ready.">
              The {hardware.compute.backend.toUpperCase()} backend uses your GPU{hardware.gpus.length === 1 ? "" : "s"}; nothing to fix.
            </Message>
          )}
          {problems.length > 0 && (
            <div data-testid="hardware-problems">
              {problems.map((p) => (
                <Message key={p.problem} tone={p.severity === "error" ? "error" : "warn"} title={p.problem} next={p.fix} />
              ))}
            </div>
          )}
          {cpuOnly && (
            <Message tone="warn" title="CPU only: you can continue." testId="cpu-only-warning">
              Serving on a CPU works with the smallest models, but answers slowly and earns much less than a GPU would.
              The model step marks what fits.
            </Message>
          )}
        </>
      )}
      <WizardNav step="hardware" canNext={!!hardware} waiting="Waiting for the hardware check…" />
    </div>
  );
}
