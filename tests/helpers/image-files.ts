// Tiny pictures and zips for the image tests: PNGs written with zlib, zips written by Python's zipfile (which can
// also write the hostile entries a real archiver would refuse to make: `../`, absolute names, links).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

/** A PNG of `width`×`height` with 1 (grey) or 3 (RGB) channels; `pixel(x, y, c)` gives each byte. */
export function pngBytes(
  width: number,
  height: number,
  channels: 1 | 3,
  pixel: (x: number, y: number, c: number) => number,
): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = channels === 1 ? 0 : 2;
  const raw = Buffer.alloc(height * (1 + width * channels));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        raw[y * (1 + width * channels) + 1 + x * channels + c] = pixel(x, y, c) & 0xff;
      }
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** A picture of class `k` (of a few): a bright bar whose position tells the class, plus seeded noise. */
export function classPicture(k: number, seed: number, size = 12, channels: 1 | 3 = 1): Buffer {
  let s = seed * 7919 + 17;
  const noise = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % 60;
  };
  return pngBytes(size, size, channels, (x, y) => {
    const bar =
      k % 2 === 0 ? Math.floor(x / (size / 4)) === k / 2 : Math.floor(y / (size / 4)) === (k - 1) / 2;
    return (bar ? 190 : 20) + noise();
  });
}

export interface ZipEntry {
  name: string;
  /** The bytes; a string is written as UTF-8. */
  content?: Buffer | string;
  /** A symbolic link to this target instead of a file. */
  linkTo?: string;
  /** This many zero bytes (deflated: a bomb-like ratio). */
  zeros?: number;
}

const WRITE_ZIP = `
import base64, json, sys, zipfile
entries = json.load(sys.stdin)
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for e in entries:
        if e.get("linkTo") is not None:
            info = zipfile.ZipInfo(e["name"])
            info.external_attr = (0o120777 << 16)
            z.writestr(info, e["linkTo"])
        elif e.get("zeros") is not None:
            z.writestr(zipfile.ZipInfo(e["name"]), bytes(e["zeros"]), zipfile.ZIP_DEFLATED)
        else:
            info = zipfile.ZipInfo(e["name"])
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, base64.b64decode(e["b64"]))
`;

/** Writes a zip at `path` holding `entries` (names written exactly as given). */
export function writeZip(path: string, entries: ZipEntry[]): string {
  const json = entries.map((e) => ({
    name: e.name,
    linkTo: e.linkTo ?? null,
    zeros: e.zeros ?? null,
    b64: e.content === undefined ? '' : Buffer.from(e.content).toString('base64'),
  }));
  execFileSync('/usr/bin/python3', ['-c', WRITE_ZIP, path], { input: JSON.stringify(json) });
  return path;
}

/** Writes `bytes` to `path` and returns the path. */
export function writeBytes(path: string, bytes: Buffer | string): string {
  writeFileSync(path, bytes);
  return path;
}
