import { useEffect, useState } from "react";
import type { InstalledModel } from "../../../../shared/api/index.js";
import { formatDuration } from "../../../../shared/format.js";
import { Card } from "../../kit/Card.js";
import { Message } from "../../kit/Message.js";
import { Segmented } from "../../kit/Segmented.js";
import { Stat } from "../../kit/Stat.js";
import { useEngine } from "../../stores/engine-store.js";
import { useModels } from "../../stores/models-store.js";
import { BenchmarkButton } from "../models/BenchmarkButton.js";
import { EconomicsCard } from "../staking/EconomicsCard.js";
import { useServiceChoice } from "./useServiceChoice.js";
import { TryModelCard } from "../TryModelCard.js";
import { WizardNav } from "./WizardNav.js";

/** A timed benchmark of the loaded model (the planner then uses the measured speed), and a prompt to try it. */
export function TestStep() {
  const { serviceId } = useServiceChoice();
  const inference = useEngine((s) => s.inference);
  const installed = useModels((s) => s.installed) ?? [];
  const benchmarks = useModels((s) => s.benchmarks);
  const [seconds, setSeconds] = useState<"60" | "15">("60");
  const serving = inference?.model ? installed.find((m) => m.path === inference.model!.path) ?? null : null;
  // The benchmark reloads the model, so the engine briefly serves nothing: keep showing the model being measured.
  const [model, setModel] = useState<InstalledModel | null>(serving);
  useEffect(() => {
    if (serving) setModel(serving);
  }, [serving?.id]);
  const result = model ? benchmarks.filter((b) => b.modelId === model.id).sort((a, b) => b.measuredAt - a.measuredAt)[0] ?? null : null;

  return (
    <div className="stack" data-testid="step-test">
      {!model ? (
        <Message tone="warn" title="No model is loaded." next={<a href="#/setup/model">Go back to the Model step and pick one.</a>} />
      ) : (
        <Card title={`Benchmark ${model.name}`} subtitle="Sends varied prompts through the engine and times the replies.">
          <div className="row row-center">
            <Segmented
              label="Benchmark length"
              value={seconds}
              onChange={setSeconds}
              options={[
                { value: "60", label: "1 minute (recommended)" },
                { value: "15", label: "15 seconds (quick)" },
              ]}
            />
          </div>
          <BenchmarkButton key={seconds} modelId={model.id} name={model.name} seconds={Number(seconds)} label={result ? "Run again" : "Run the benchmark"} />
          <div className="stats" data-testid="benchmark-result">
            <Stat label="Time to first token" value={result ? formatDuration(result.timeToFirstTokenMs) : "—"} hint="How soon a reply starts" />
            <Stat label="Generation speed" value={result ? result.generationTokensPerSecond.toFixed(1) : "—"} unit="tokens/s" hint="How fast it writes" />
            <Stat label="Prompt processing" value={result ? result.promptTokensPerSecond.toFixed(0) : "—"} unit="tokens/s" />
            <Stat label="Requests timed" value={result ? String(result.requests) : "—"} unit="requests" hint={result ? `over ${formatDuration(result.durationMs)}` : undefined} />
            <Stat
              label="CPU threads"
              value={result?.threads ? String(result.threads) : "—"}
              unit="threads"
              hint={result?.threadTrials.length ? `fastest of ${result.threadTrials.map((t) => `${t.threads}: ${t.generationTokensPerSecond.toFixed(0)}`).join(", ")} tokens/s` : "Tried and kept for this model"}
            />
          </div>
        </Card>
      )}
      {result && <EconomicsCard serviceId={serviceId} title="What this speed would earn" />}
      <TryModelCard />
      <WizardNav step="test" canNext={!!result} waiting="Run the benchmark first." />
    </div>
  );
}
