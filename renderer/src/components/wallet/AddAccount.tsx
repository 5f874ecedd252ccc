import { useState } from "react";
import type { AccountSummary } from "../../../../shared/api/index.js";
import { Message } from "../../kit/Message.js";
import { Segmented } from "../../kit/Segmented.js";
import { CreateWallet } from "./CreateWallet.js";
import { ImportWallet } from "./ImportWallet.js";

/** Create or import, side by side as a choice: the wizard's wallet step and the Wallet page both use it. */
export function AddAccount({ hasKeystore, onDone }: { hasKeystore: boolean; onDone?: (account: AccountSummary) => void }) {
  const [mode, setMode] = useState<"create" | "import">("create");
  const [added, setAdded] = useState<AccountSummary | null>(null);
  const [showingPhrase, setShowingPhrase] = useState(false);
  const done = (account: AccountSummary) => {
    setAdded(account);
    onDone?.(account);
  };
  return (
    <div className="stack">
      {!showingPhrase && (
      <Segmented
        label="Create or import"
        value={mode}
        onChange={(m) => {
          setMode(m);
          setAdded(null);
        }}
        options={[
          { value: "create", label: "Create a new account" },
          { value: "import", label: "Import an existing one" },
        ]}
      />
      )}
      {added && !onDone && <Message tone="ok">Added “{added.label}” ({added.address}).</Message>}
      {mode === "create" ? <CreateWallet hasKeystore={hasKeystore} onDone={done} onFlowChange={setShowingPhrase} /> : <ImportWallet hasKeystore={hasKeystore} onDone={done} />}
    </div>
  );
}
