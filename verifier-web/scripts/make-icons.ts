// Draws the app icons (three traffic-light discs on navy) as PNG for the web app manifest. Run
// once with `node verifier-web/scripts/make-icons.ts`; the output is committed under public/icons.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

const OUT = resolve(import.meta.dirname, '../public/icons');
const NAVY = [0x1f, 0x3a, 0x5f];
const DISCS: [number, number[]][] = [
  [0.3, [0x0b, 0x6e, 0x2f]],
  [0.5, [0xff, 0xd6, 0x0a]],
  [0.7, [0xb3, 0x00, 0x1b]],
];

function drawIcon(size: number): Buffer {
  // RGB rows, each prefixed with filter type 0 (PNG spec §9.2).
  const raw = Buffer.alloc(size * (size * 3 + 1));
  const r = size * 0.085; // discs stay inside the maskable safe zone (central 80%)
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let colour = NAVY;
      for (const [cx, c] of DISCS) if ((x + 0.5 - cx * size) ** 2 + (y + 0.5 - size / 2) ** 2 <= r * r) colour = c;
      raw.set(colour, y * (size * 3 + 1) + 1 + x * 3);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit truecolour, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

for (const size of [192, 512]) writeFileSync(resolve(OUT, `icon-${size}.png`), drawIcon(size));
writeFileSync(
  resolve(OUT, 'icon.svg'),
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect width="100" height="100" rx="18" fill="#1f3a5f"/>` +
    DISCS.map(([cx, c]) => `<circle cx="${cx * 100}" cy="50" r="8.5" fill="rgb(${c.join(',')})"/>`).join('') +
    `</svg>\n`,
);
