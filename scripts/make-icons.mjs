// Draws the app and tray icons (a diamond in the state's colour) as PNGs into resources/icons.
// Run once after changing a colour: `node scripts/make-icons.mjs`. The PNGs are committed.
import { writeFileSync, mkdirSync } from "node:fs";
import { deflateSync } from "node:zlib";

const STATES = {
  app: [52, 81, 209],
  "tray-idle": [128, 134, 145],
  "tray-serving": [46, 160, 67],
  "tray-warning": [219, 154, 4],
  "tray-error": [207, 34, 46],
};

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes) => {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};

function diamondPng(size, [r, g, b]) {
  const rows = [];
  const half = (size - 1) / 2;
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0, then RGBA
    for (let x = 0; x < size; x++) {
      // Anti-aliased diamond: coverage falls off over one pixel at the edge.
      const distance = (Math.abs(x - half) + Math.abs(y - half)) / half;
      const alpha = Math.max(0, Math.min(1, (0.92 - distance) * half * 0.7));
      row.set([r, g, b, Math.round(alpha * 255)], 1 + x * 4);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const out = new URL("../resources/icons/", import.meta.url);
mkdirSync(out, { recursive: true });
for (const [name, colour] of Object.entries(STATES)) {
  if (name === "app") {
    writeFileSync(new URL("512x512.png", out), diamondPng(512, colour));
    writeFileSync(new URL("256x256.png", out), diamondPng(256, colour));
  } else {
    writeFileSync(new URL(`${name}.png`, out), diamondPng(32, colour));
  }
}
console.log("icons written to resources/icons");
