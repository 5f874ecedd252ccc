import { stat } from "node:fs/promises";
import { join } from "node:path";
import { ApiError } from "../../../shared/api/index.js";
import type { CallContext } from "../runtime/api-router.js";
import { dataDirLayout } from "../runtime/data-dir.js";
import { insideFolder } from "../runtime/confined-path.js";
import { hasGgufMagic } from "./gguf.js";

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
   * A readable path that holds a GGUF model, checked before anything acts on it (the loaded model stays loaded when
   * this fails). Messages name the path, never the file's contents.
   */
  async checkModelFile(path: string, context: Pick<CallContext, "transport">): Promise<string> {
    const file = this.readable(path, context);
    const info = await stat(file).catch(() => null);
    if (info === null) throw new ApiError("not_found", `${file} does not exist or cannot be read.`, { field: "path" });
    if (!info.isFile()) throw new ApiError("invalid_params", `${file} is not a file.`, { field: "path" });
    if (!(await hasGgufMagic(file).catch(() => false))) {
      throw new ApiError("invalid_params", `${file} is not a GGUF model; llama.cpp loads .gguf files only.`, { field: "path" });
    }
    return file;
  }
}
