import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { hostname, networkInterfaces } from "node:os";
import { join } from "node:path";
import { dataDirLayout } from "../runtime/data-dir.js";
import { generate } from "selfsigned";
import { writeFileAtomic } from "../runtime/atomic-file.js";

export interface DashboardTls {
  key: string;
  cert: string;
  /** SHA-256 of the certificate, as browsers show it: what the owner compares before trusting it. */
  fingerprint256: string;
  /** "own": the owner's files in DATA_DIR/tls; "generated": self-signed here. */
  source: "own" | "generated";
  notAfter: Date;
}

const RENEW_BEFORE_MS = 30 * 24 * 3_600_000;
const VALID_FOR_MS = 2 * 365 * 24 * 3_600_000;

/**
 * The dashboard's certificate when it listens beyond loopback, so the access token, the passphrase and a revealed
 * recovery phrase never cross the LAN in clear. The owner's own certificate is used when DATA_DIR/tls holds
 * cert.pem and key.pem; otherwise a self-signed one is made on first start (ECDSA P-256, this machine's names and
 * addresses) and kept in DATA_DIR/tls/self-signed-*.pem, renewed a month before it ends.
 */
export async function loadOrCreateDashboardTls(dataDir: string, now: () => number = Date.now): Promise<DashboardTls> {
  const dir = dataDirLayout(dataDir).tls;
  const own = { cert: join(dir, "cert.pem"), key: join(dir, "key.pem") };
  if (existsSync(own.cert) && existsSync(own.key)) {
    const tls = read(own.cert, own.key, "own");
    if (tls.notAfter.getTime() <= now()) {
      throw new Error(`The dashboard certificate ${own.cert} expired on ${tls.notAfter.toISOString()}: replace it, or delete cert.pem and key.pem to use a self-signed one.`);
    }
    return tls;
  }
  const generated = { cert: join(dir, "self-signed-cert.pem"), key: join(dir, "self-signed-key.pem") };
  if (existsSync(generated.cert) && existsSync(generated.key)) {
    const tls = read(generated.cert, generated.key, "generated");
    if (tls.notAfter.getTime() - now() > RENEW_BEFORE_MS) return tls;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const name = hostname();
  const made = await generate([{ name: "commonName", value: `PocketForge dashboard on ${name}` }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now() - 3_600_000),
    notAfterDate: new Date(now() + VALID_FOR_MS),
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: subjectAltNames(name) },
    ],
  });
  writeFileAtomic(generated.key, made.private, 0o600);
  writeFileAtomic(generated.cert, made.cert, 0o600);
  return read(generated.cert, generated.key, "generated");
}

function read(certPath: string, keyPath: string, source: DashboardTls["source"]): DashboardTls {
  const cert = readFileSync(certPath, "utf8");
  const key = readFileSync(keyPath, "utf8");
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new Error(`${certPath} is not a PEM certificate: replace it, or delete it and its key to use a self-signed one.`);
  }
  return { key, cert, fingerprint256: x509.fingerprint256, source, notAfter: new Date(x509.validTo) };
}

/** The names a browser on the LAN may use for this machine: its host name (bare and .local) and every address. */
function subjectAltNames(name: string): Array<{ type: 2; value: string } | { type: 7; ip: string }> {
  const short = name.split(".")[0]!;
  const dns = [...new Set(["localhost", name, `${short}.local`])].map((value) => ({ type: 2 as const, value }));
  const ips = new Set(["127.0.0.1", "::1"]);
  for (const entries of Object.values(networkInterfaces())) for (const entry of entries ?? []) ips.add(entry.address.split("%")[0]!);
  return [...dns, ...[...ips].map((ip) => ({ type: 7 as const, ip }))];
}
