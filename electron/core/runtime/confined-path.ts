import { realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/**
 * `candidate` as an absolute path when it lies inside `folder` once symbolic links are followed (for a path that
 * does not exist yet, its nearest existing parent is followed), else null. `..`, absolute paths elsewhere and links
 * pointing out of the folder all answer null.
 */
export function insideFolder(folder: string, candidate: string): string | null {
  if (candidate.includes("\0")) return null;
  const root = realOrSelf(resolve(folder));
  const target = realOrNearest(resolve(folder, candidate));
  const rel = relative(root, target);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel)) ? target : null;
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The real path of `path`, or of its nearest existing parent with the rest appended. */
function realOrNearest(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(realOrNearest(parent), basename(path));
  }
}
