import { useState, type FormEvent } from "react";
import type { InstalledModel } from "../../../../shared/api/index.js";
import { useApi } from "../../api/api-context.js";
import { Button } from "../../kit/Button.js";
import { Field } from "../../kit/Field.js";
import { useImportFolderHint } from "../../hooks/useImportFolderHint.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { useAction } from "../../hooks/useAction.js";

/** Copies a .gguf file the engine can read into its models folder (checked against the catalog when it is one). */
export function ImportModelForm({ onImported }: { onImported?: (model: InstalledModel) => void }) {
  const importHint = useImportFolderHint();
  const api = useApi();
  const [path, setPath] = useState("");
  const [imported, setImported] = useState<InstalledModel | null>(null);
  const importModel = useAction(async () => {
    const model = await api.invoke("models.import", { path: path.trim() });
    setImported(model);
    setPath("");
    onImported?.(model);
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    setImported(null);
    if (path.trim()) void importModel.run();
  }

  return (
    <form className="stack" onSubmit={submit} data-testid="import-model">
      <div className="row">
        <Field className="grow" label="Path of a .gguf file on the engine's computer" hint={importHint ?? "The file is copied into PocketForge's models folder and hashed."}>
          {(control) => <input {...control} spellCheck={false} placeholder="/home/me/models/model.gguf" value={path} onChange={(e) => setPath(e.target.value)} />}
        </Field>
        <Button type="submit" variant="secondary" busy={importModel.busy} busyLabel="Importing…" disabled={!path.trim()}>
          Import file
        </Button>
      </div>
      {importModel.busy && <p className="muted small">Copying and hashing the file; large models take a minute.</p>}
      {importModel.error != null && <ErrorMessage error={importModel.error} title="The file was not imported." />}
      {imported && (
        <Message tone="ok">
          Imported {imported.name}
          {imported.verified ? ", verified against the catalog" : ""}.
        </Message>
      )}
    </form>
  );
}
