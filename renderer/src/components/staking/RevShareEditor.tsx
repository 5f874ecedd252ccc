import { Button } from "../../kit/Button.js";
import { type RevShareRow } from "../../view-models/staking.js";

/** Who receives the rewards: all to the owner by default, or split between addresses in whole percents. */
export function RevShareEditor({ value, onChange, ownerAddress, problem }: { value: RevShareRow[] | null; onChange: (rows: RevShareRow[] | null) => void; ownerAddress: string; problem: string | null }) {
  if (!value) {
    return (
      <div className="row row-center">
        <span className="small">Rewards: 100 % to the owner.</span>
        <Button size="small" variant="ghost" onClick={() => onChange([{ address: ownerAddress, percent: 100 }])}>
          Split rewards (rev-share)…
        </Button>
      </div>
    );
  }
  const set = (i: number, patch: Partial<RevShareRow>) => onChange(value.map((row, j) => (i === j ? { ...row, ...patch } : row)));
  return (
    <fieldset className="stack" data-testid="rev-share">
      <legend className="field-label">Rev-share: who receives the supplier's rewards</legend>
      {value.map((row, i) => (
        <div className="row" key={i}>
          <label className="grow">
            <span className="visually-hidden">Address {i + 1}</span>
            <input spellCheck={false} value={row.address} placeholder="pokt1…" onChange={(e) => set(i, { address: e.target.value })} />
          </label>
          <label>
            <span className="visually-hidden">Percent for address {i + 1}</span>
            <input type="number" min={1} max={100} value={row.percent} onChange={(e) => set(i, { percent: Number(e.target.value) })} />
          </label>
          <span>%</span>
          <Button size="small" variant="ghost" onClick={() => onChange(value.length === 1 ? null : value.filter((_, j) => j !== i))}>
            Remove
          </Button>
        </div>
      ))}
      {problem && <div className="field-error">{problem}</div>}
      <div className="row">
        <Button size="small" variant="secondary" onClick={() => onChange([...value, { address: "", percent: 0 }])} disabled={value.length >= 10}>
          Add an address
        </Button>
        <Button size="small" variant="ghost" onClick={() => onChange(null)}>
          All to the owner
        </Button>
      </div>
    </fieldset>
  );
}
