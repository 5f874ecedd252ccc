import { randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { writeFileAtomic } from "../runtime/atomic-file.js";
import { dataDirLayout } from "../runtime/data-dir.js";

/**
 * The token a browser on the LAN needs to reach a headless engine. Generated once, stored (0600) in the data dir,
 * and compared in constant time.
 */
export class AccessToken {
  private constructor(readonly value: string, readonly created: boolean) {}

  static loadOrCreate(dataDir: string): AccessToken {
    const path = dataDirLayout(dataDir).accessToken;
    if (existsSync(path)) {
      const value = readFileSync(path, "utf8").trim();
      if (/^[A-Za-z0-9_-]{32,}$/.test(value)) return new AccessToken(value, false);
    }
    const value = randomBytes(24).toString("base64url");
    writeFileAtomic(path, value + "\n", 0o600);
    return new AccessToken(value, true);
  }

  matches(candidate: string | null | undefined): boolean {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.value);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
