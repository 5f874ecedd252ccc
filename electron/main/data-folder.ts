import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type * as Electron from "electron";
import { dataDirLayout } from "../core/runtime/data-dir.js";

/** What adopting the data folder did, logged once the engine's logger exists. */
export interface DataFolderMove {
  from: string;
  moved: string[];
  /** Entries present in both places: the data folder's copy is used, the other one is left where it was. */
  keptInBoth: string[];
  failed: Array<{ entry: string; error: string }>;
}

/**
 * Makes the desktop app use the same data folder as headless (`dataDir`): Electron's userData points there, and
 * Chromium's own profile (caches, local storage) goes to a subfolder so it never mixes with keys and models. Runs
 * before the single-instance lock (which Electron keeps in userData) and before ready (when Chromium opens its
 * profile). Returns where Electron would have put userData, for moveEarlierData.
 */
export function pointAtDataFolder(app: Pick<Electron.App, "getPath" | "setPath">, dataDir: string): string {
  const electronDefault = app.getPath("userData");
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  app.setPath("userData", dataDir);
  app.setPath("sessionData", dataDirLayout(dataDir).desktop.chromium);
  return electronDefault;
}

/**
 * Moves what an earlier desktop build wrote to Electron's default userData into the data folder (rename; a copy when
 * it sits on another disk), never overwriting. Call only while holding the single-instance lock.
 */
export function moveEarlierData(electronDefault: string, dataDir: string, platform: NodeJS.Platform): DataFolderMove[] {
  // A development run (`electron .`) is named after package.json's name, a packaged one after productName; on Linux
  // these are two folders.
  const candidates = [electronDefault];
  if (platform === "linux") {
    const name = basename(electronDefault);
    const other = name === "PocketForge" ? "pocketforge" : name === "pocketforge" ? "PocketForge" : null;
    if (other) candidates.push(join(dirname(electronDefault), other));
  }
  const moves: DataFolderMove[] = [];
  for (const from of candidates) {
    if (samePath(from, dataDir) || !existsSync(from)) continue;
    const move = moveOurEntries(from, dataDir);
    if (move.moved.length || move.keptInBoth.length || move.failed.length) moves.push(move);
  }
  return moves;
}

/** The top-level entries PocketForge writes into its data folder (Chromium's profile files are left behind). */
function ourEntries(dataDir: string): string[] {
  const layout = dataDirLayout(dataDir);
  const top = [layout.config, layout.preferences, layout.accessToken, layout.chainNetwork, layout.staking, layout.logs, layout.tls, layout.localnet, layout.wallet.dir, layout.import, layout.models.dir, layout.desktop.windowState, dirname(layout.ledger)];
  return top.map((path) => basename(path));
}

function moveOurEntries(from: string, to: string): DataFolderMove {
  const move: DataFolderMove = { from, moved: [], keptInBoth: [], failed: [] };
  const present = new Set(readdirSync(from));
  for (const entry of ourEntries(to)) {
    if (!present.has(entry)) continue;
    const source = join(from, entry);
    const target = join(to, entry);
    if (existsSync(target)) {
      move.keptInBoth.push(entry);
      continue;
    }
    try {
      try {
        renameSync(source, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
        // Another disk: copy everything first, and remove the original only once the copy is complete.
        cpSync(source, target, { recursive: true, errorOnExist: true, force: false, preserveTimestamps: true });
        rmSync(source, { recursive: true, force: true });
      }
      move.moved.push(entry);
    } catch (error) {
      move.failed.push({ entry, error: error instanceof Error ? error.message : String(error) });
    }
  }
  if (move.moved.length) {
    writeFileSync(join(from, "MOVED.txt"), `PocketForge now keeps its data in ${to}; ${move.moved.join(", ")} moved there.\n`, { mode: 0o600 });
  }
  return move;
}

function samePath(a: string, b: string): boolean {
  return a.replace(/[\\/]+$/, "") === b.replace(/[\\/]+$/, "");
}
