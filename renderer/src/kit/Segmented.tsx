import { useId } from "react";

export interface SegmentedOption<T extends string> {
  value: T;
  label: string;
}

/** A row of mutually exclusive choices: native radios, so arrow keys move between them. */
export function Segmented<T extends string>({ label, value, options, onChange }: { label: string; value: T; options: SegmentedOption<T>[]; onChange: (value: T) => void }) {
  const name = useId();
  return (
    <div className="segmented" role="radiogroup" aria-label={label}>
      {options.map((option) => (
        <label key={option.value}>
          <input type="radio" name={name} value={option.value} checked={value === option.value} onChange={() => onChange(option.value)} />
          {option.label}
        </label>
      ))}
    </div>
  );
}
