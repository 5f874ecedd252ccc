import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root (the folder holding package.json). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The steering repo's shared folder beside the checkout: models and upstream vectors live there. */
export const sharedAssetsDir = resolve(repoRoot, "..", "shared");

/** Folder of upstream Go test vectors. */
export const vectorsDir = resolve(sharedAssetsDir, "vectors");

/**
 * The tiny GGUF model tests run against: env POCKETFORGE_TEST_MODEL, else ../shared/models/stories260K.gguf.
 * Throws with an actionable message when neither exists.
 */
export function testModelPath(): string {
  const fromEnv = process.env.POCKETFORGE_TEST_MODEL;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`POCKETFORGE_TEST_MODEL points at ${fromEnv}, which does not exist`);
    return fromEnv;
  }
  const bundled = resolve(sharedAssetsDir, "models", "stories260K.gguf");
  if (existsSync(bundled)) return bundled;
  throw new Error(
    "No test model: set POCKETFORGE_TEST_MODEL to a GGUF file, or place stories260K.gguf in ../shared/models",
  );
}
