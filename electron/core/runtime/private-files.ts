import { chmodSync, lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * The data folder holds keys, the ledger and logs: nobody but its owner should read any of it. `keepPrivate` makes
 * what the process creates from now on owner-only (umask 077: files 0600, folders 0700), and `tightenPermissions`
 * takes group and other bits off what an earlier version left behind. Symbolic links are not followed.
 */
export function keepPrivate(target: Pick<NodeJS.Process, "umask"> = process): void {
  target.umask(0o077);
}

export function tightenPermissions(folder: string): number {
  let changed = 0;
  const visit = (path: string) => {
    let info;
    try {
      info = lstatSync(path);
    } catch {
      return;
    }
    if (info.isSymbolicLink()) return;
    if ((info.mode & 0o077) !== 0) {
      try {
        chmodSync(path, info.mode & 0o700);
        changed++;
      } catch {
        // a file we do not own (e.g. copied in by root) stays as it is
      }
    }
    if (info.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(folder);
  return changed;
}
