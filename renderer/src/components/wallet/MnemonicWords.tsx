import { mnemonicWords } from "../../view-models/mnemonic-confirm.js";

/** The recovery phrase, numbered, in reading order (left to right, top to bottom). */
export function MnemonicWords({ mnemonic }: { mnemonic: string }) {
  return (
    <ol className="mnemonic" aria-label="Recovery phrase" data-testid="mnemonic">
      {mnemonicWords(mnemonic).map((word, i) => (
        <li key={i}>{word}</li>
      ))}
    </ol>
  );
}
