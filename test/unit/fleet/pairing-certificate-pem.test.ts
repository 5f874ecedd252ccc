// The front node's certificate, read off the TLS handshake as DER, is pinned as PEM when a node pairs. A DER whose
// base64 fills its last 64-character line exactly once came out with an empty line before the footer, which OpenSSL
// reads as no certificate: the pin trusted nothing and about one pairing in sixteen failed ("self-signed certificate").
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { test } from "node:test";
import { generate } from "selfsigned";
import { certificatePem } from "../../../electron/core/fleet/pairing.js";

test("a DER of any length becomes a PEM of 64-character lines with no empty line", () => {
  for (const length of [1, 47, 48, 49, 95, 96, 97, 480]) {
    const der = Buffer.alloc(length, 0xa5);
    const pem = certificatePem(der);
    const lines = pem.trimEnd().split("\n");
    assert.equal(lines[0], "-----BEGIN CERTIFICATE-----");
    assert.equal(lines.at(-1), "-----END CERTIFICATE-----");
    const body = lines.slice(1, -1);
    assert.ok(body.every((line) => line.length > 0 && line.length <= 64), `DER of ${length} bytes: ${JSON.stringify(body.map((l) => l.length))}`);
    assert.ok(body.slice(0, -1).every((line) => line.length === 64));
    assert.deepEqual(Buffer.from(body.join(""), "base64"), der);
  }
});

test("a certificate whose base64 fills its last line exactly reads back as the same certificate", async () => {
  // Certificates like the dashboard's (ECDSA P-256), the name one character longer each time, until one's DER is a
  // multiple of 48 bytes (64 base64 characters).
  let der: Buffer | null = null;
  for (let i = 0; i < 400 && der === null; i++) {
    const made = await generate([{ name: "commonName", value: `PocketForge ${"x".repeat(i % 60)}` }], { keyType: "ec", curve: "P-256", algorithm: "sha256" });
    const raw = new X509Certificate(made.cert).raw;
    if (raw.length % 48 === 0) der = raw;
  }
  assert.ok(der, "no certificate of a length that fills the last line was made in 400 tries");
  const read = new X509Certificate(certificatePem(der));
  assert.deepEqual(read.raw, der);
});
