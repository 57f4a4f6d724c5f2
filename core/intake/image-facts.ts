// What a picture is, read from its header: format, width, height and channels (image-size for the sizes; the
// channel count from the PNG, JPEG and BMP headers). A file whose header cannot be read is undecodable.
import { readFile } from 'node:fs/promises';
import { imageSize } from 'image-size';

export interface ImageFacts {
  format: string;
  width: number;
  height: number;
  channels: number;
}

const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 };

function jpegChannels(bytes: Uint8Array): number | null {
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1]!;
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return bytes[i + 9] ?? null;
    }
    i += 2 + length;
  }
  return null;
}

function channelsOf(format: string, bytes: Uint8Array): number {
  if (format === 'png') return PNG_CHANNELS[bytes[25] ?? 2] ?? 3;
  if (format === 'jpg') return jpegChannels(bytes) ?? 3;
  if (format === 'bmp') {
    const bits = bytes[28] ?? 24;
    return bits <= 8 ? 1 : bits === 32 ? 4 : 3;
  }
  return 3;
}

/** The picture's facts, or null when its header is not one of a picture. */
export async function readImageFacts(path: string): Promise<ImageFacts | null> {
  const bytes = await readFile(path);
  try {
    const size = imageSize(bytes);
    if (!size.width || !size.height || !size.type) return null;
    // A PNG must end with its IEND chunk: a cut-off file has a header but no picture.
    if (size.type === 'png' && bytes.subarray(-8, -4).toString('latin1') !== 'IEND') return null;
    return {
      format: size.type,
      width: size.width,
      height: size.height,
      channels: channelsOf(size.type, bytes),
    };
  } catch {
    return null;
  }
}
