import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { generate } from "selfsigned";
import { loadOrCreateDashboardTls } from "../../../electron/core/app/dashboard-tls.js";

const DAY = 24 * 3_600_000;

test("a self-signed certificate for this machine is made once, kept, and renewed a month before it ends", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "pf-tls-"));
  try {
    let now = Date.now();
    const first = await loadOrCreateDashboardTls(dataDir, () => now);
    const x509 = new X509Certificate(first.cert);
    assert.equal(first.source, "generated");
    assert.match(x509.subjectAltName ?? "", /DNS:localhost/);
    assert.match(x509.subjectAltName ?? "", /IP Address:127\.0\.0\.1/);
    assert.ok(x509.checkPrivateKey(await import("node:crypto").then((c) => c.createPrivateKey(first.key))));
    assert.equal((await loadOrCreateDashboardTls(dataDir, () => now)).fingerprint256, first.fingerprint256, "kept");
    now = first.notAfter.getTime() - 10 * DAY;
    const renewed = await loadOrCreateDashboardTls(dataDir, () => now);
    assert.notEqual(renewed.fingerprint256, first.fingerprint256, "renewed before it ends");
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("the owner's own certificate wins; an expired one is refused with what to do", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "pf-tls-own-"));
  try {
    const own = await generate([{ name: "commonName", value: "rig.example.lan" }], { keyType: "ec", algorithm: "sha256", notAfterDate: new Date(Date.now() + 90 * DAY) });
    mkdirSync(join(dataDir, "tls"));
    writeFileSync(join(dataDir, "tls", "cert.pem"), own.cert);
    writeFileSync(join(dataDir, "tls", "key.pem"), own.private);
    const tls = await loadOrCreateDashboardTls(dataDir);
    assert.equal(tls.source, "own");
    assert.equal(tls.fingerprint256, new X509Certificate(own.cert).fingerprint256);
    await assert.rejects(loadOrCreateDashboardTls(dataDir, () => Date.now() + 120 * DAY), /expired on .*replace it, or delete cert\.pem and key\.pem/);
    writeFileSync(join(dataDir, "tls", "cert.pem"), "not a certificate");
    await assert.rejects(loadOrCreateDashboardTls(dataDir), /is not a PEM certificate/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
