import { stat } from "node:fs/promises";
import { join } from "node:path";
import { ApiError } from "../../../shared/api/index.js";
import type { CallContext } from "../runtime/api-router.js";
import { dataDirLayout } from "../runtime/data-dir.js";
import { insideFolder } from "../runtime/confined-path.js";
import { hasGgufMagic } from "./gguf.js";

/**
 * Why `file` could not be read, as a user error saying what to do: not found (with where the engine looks for it),
 * permission denied, or (anything else) unreadable. Never an internal error: the path came from the user.
 */
export function unreadableFileError(file: string, error: unknown, where = "on the computer the engine runs on"): ApiError {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === "ENOENT" || code === "ENOTDIR") {
    return new ApiError("not_found", `There is no file at ${file}. Check the path: the file is read ${where}.`, { field: "path", reason: "missing" });
  }
  if (code === "EACCES" || code === "EPERM") {
    return new ApiError("invalid_params", `PocketForge may not read ${file} (permission denied): make it readable by the user the engine runs as, or copy it ${where}.`, {
      field: "path",
      reason: "unreadable",
    });
  }
  return new ApiError("invalid_params", `${file} cannot be read${code ? ` (${code})` : ""}: check the path and the file.`, { field: "path", reason: "unreadable" });
}

/**
 * Which files the API may read or write for models. The desktop window is the person at this machine, who may pick a
 * model file anywhere (as with the OS file dialog), and the engine's own calls are trusted; a browser (the WebSocket
 * transport, possibly from the LAN) is confined to the data folder: `DATA_DIR/import` for files brought in, `DATA_DIR/models` for installed ones. Writes (the CAR
 * a publish produces) stay inside `DATA_DIR/models/published` for everyone.
 */
export class ModelPaths {
  readonly importDir: string;
  readonly publishedDir: string;

  constructor(private readonly dataDir: string) {
    const layout = dataDirLayout(dataDir);
    this.importDir = layout.import;
    this.publishedDir = layout.models.published;
  }

  /** The absolute path of a model file `context` may read. @throws ApiError invalid_params */
  readable(path: string, context: Pick<CallContext, "transport">): string {
    if (context.transport !== "websocket") return join(path);
    const confined = insideFolder(this.dataDir, path);
    if (confined === null) {
      throw new ApiError(
        "invalid_params",
        `From a browser, model files are read only inside the data folder: put the file in ${this.importDir} and give its path there.`,
        { field: "path" },
      );
    }
    return confined;
  }

  /** Where a publish may write its CAR. @throws ApiError invalid_params */
  carTarget(carPath: string): string {
    const confined = insideFolder(this.publishedDir, carPath);
    if (confined === null) throw new ApiError("invalid_params", `The CAR is written inside ${this.publishedDir}: give a file name there.`, { field: "carPath" });
    return confined;
  }

  /**
   * The absolute path of an existing file `context` may read. @throws ApiError: not_found for a missing file (saying
   * where the engine looks), invalid_params for a folder or an unreadable file
   */
  async existingFile(path: string, context: Pick<CallContext, "transport">): Promise<string> {
    const file = this.readable(path, context);
    const where = context.transport === "websocket" ? `on the engine's computer, inside ${this.importDir}` : "on the computer the engine runs on";
    const info = await stat(file).catch((error: unknown) => {
      throw unreadableFileError(file, error, where);
    });
    if (!info.isFile()) throw new ApiError("invalid_params", `${file} is a folder, not a file: give the path of a .gguf file.`, { field: "path" });
    return file;
  }

  /**
   * A readable path that holds a GGUF model, checked before anything acts on it (the loaded model stays loaded when
   * this fails). Messages name the path, never the file's contents.
   */
  async checkModelFile(path: string, context: Pick<CallContext, "transport">): Promise<string> {
    const file = await this.existingFile(path, context);
    if (!(await hasGgufMagic(file).catch(() => false))) {
      throw new ApiError("invalid_params", `${file} is not a GGUF model; llama.cpp loads .gguf files only.`, { field: "path" });
    }
    return file;
  }
}
