import { formatBytes, formatNumber, formatPercent } from "../../../shared/format.js";
import { Card } from "../kit/Card.js";
import { ErrorMessage } from "../kit/Message.js";
import { useEngine } from "../stores/engine-store.js";

export function HardwareCard() {
  const hardware = useEngine((s) => s.hardware);
  const error = useEngine((s) => s.hardwareError);
  const latest = useEngine((s) => s.telemetry.at(-1));

  if (error) {
    return (
      <Card title="Hardware">
        <ErrorMessage error={error} title="Could not read this machine's hardware." next="Check the Logs page for details, then reload." />
      </Card>
    );
  }
  return (
    <Card title="Hardware" testId="hardware-card">
      {!hardware ? (
        <p className="muted">Detecting CPU, memory and GPUs…</p>
      ) : (
        <>
          <dl className="facts">
            <dt>CPU</dt>
            <dd data-testid="hw-cpu">
              {hardware.cpu.manufacturer} {hardware.cpu.brand} · {hardware.cpu.cores} threads
              {hardware.cpu.speedGHz ? ` · ${hardware.cpu.speedGHz.toFixed(2)} GHz` : ""}
            </dd>
            <dt>Memory</dt>
            <dd data-testid="hw-ram">
              {formatBytes(hardware.memory.totalBytes)} total · {formatBytes(hardware.memory.availableBytes)} available
            </dd>
            <dt>System</dt>
            <dd>
              {hardware.os.distro} {hardware.os.release} ({hardware.os.arch})
            </dd>
            <dt>Compute</dt>
            <dd data-testid="hw-backend">
              {hardware.compute.backend.toUpperCase()}
              {hardware.compute.deviceNames.length ? ` · ${hardware.compute.deviceNames.join(", ")}` : ""}
            </dd>
            <dt>GPUs</dt>
            <dd>
              {hardware.gpus.length === 0
                ? "none detected"
                : hardware.gpus.map((gpu) => (
                    <div key={gpu.index}>
                      #{gpu.index} {gpu.vendor} {gpu.model} · {formatBytes(gpu.vramBytes)} VRAM
                      {gpu.driverVersion ? ` · driver ${gpu.driverVersion}` : ""}
                    </div>
                  ))}
            </dd>
          </dl>
          {hardware.compute.advice.length > 0 && (
            <ul className="advice">
              {hardware.compute.advice.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
          <div className="telemetry" aria-label="Live telemetry">
            <Meter label="CPU load" value={formatPercent(latest?.cpuLoadPercent)} />
            <Meter
              label="RAM used"
              value={latest ? `${formatBytes(latest.memoryUsedBytes)} of ${formatBytes(latest.memoryTotalBytes)}` : "—"}
            />
            {latest?.gpus.map((gpu) => (
              <Meter
                key={gpu.index}
                label={`GPU #${gpu.index}`}
                value={`${formatNumber(gpu.temperatureC, "°C", 0)} · ${formatPercent(gpu.utilizationPercent)} · ${formatNumber(gpu.powerWatts, "W", 0)}`}
              />
            ))}
          </div>
        </>
      )}
    </Card>
  );
}

function Meter({ label, value }: { label: string; value: string }) {
  return (
    <div className="meter">
      <div className="meter-label">{label}</div>
      <div className="meter-value">{value}</div>
    </div>
  );
}
