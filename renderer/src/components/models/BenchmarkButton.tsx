import { useState } from "react";
import type { BenchmarkResult } from "../../../../shared/api/index.js";
import { useApi } from "../../api/api-context.js";
import { Button } from "../../kit/Button.js";
import { ErrorMessage } from "../../kit/Message.js";
import { ProgressBar } from "../../kit/ProgressBar.js";
import { useAction } from "../../hooks/useAction.js";
import { useNow } from "../../hooks/useNow.js";
import { applyBenchmark } from "../../stores/models-store.js";
import { formatDuration } from "../../../../shared/format.js";

/** Runs the engine's timed benchmark; progress is the elapsed share of its fixed duration. */
export function BenchmarkButton({ modelId, name, seconds = 60, onResult, label = "Benchmark (1 min)" }: {
  modelId: string;
  name: string;
  seconds?: number;
  onResult?: (result: BenchmarkResult) => void;
  label?: string;
}) {
  const api = useApi();
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const bench = useAction(async () => {
    setStartedAt(Date.now());
    try {
      const result = await api.invoke("models.benchmark", { modelId, seconds });
      applyBenchmark(result);
      onResult?.(result);
    } finally {
      setStartedAt(null);
    }
  });
  const now = useNow(500, bench.busy);
  const elapsed = startedAt ? now - startedAt : 0;
  return (
    <div className="stack">
      <Button variant="secondary" size="small" busy={bench.busy} busyLabel="Benchmarking…" onClick={() => void bench.run()}>
        {label}
      </Button>
      {bench.busy && (
        <ProgressBar
          label={`Benchmarking ${name}`}
          fraction={Math.min(1, elapsed / (seconds * 1000))}
          start="Sending varied prompts and timing the replies"
          end={elapsed < seconds * 1000 ? `${formatDuration(seconds * 1000 - elapsed)} left` : "finishing the last request…"}
        />
      )}
      {bench.error != null && <ErrorMessage error={bench.error} title="The benchmark did not finish." />}
    </div>
  );
}
