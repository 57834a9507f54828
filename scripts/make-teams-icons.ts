/**
 * Draws the two icons the Teams app package needs into manifests/teams/: color.png (192×192,
 * full colour) and outline.png (32×32, white on transparent, as Teams requires). Drawn from
 * code so that the PNGs can be remade and reviewed as a diff of this file, not of pixels.
 *
 * Run with `npx tsx scripts/make-teams-icons.ts`; commit the PNGs it writes.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { PNG } from 'pngjs';

type Point = readonly [x: number, y: number];
type Rgb = readonly [r: number, g: number, b: number];

/** The sailing boat, in a unit square: two sails either side of the mast, then the hull. */
const boat: readonly (readonly Point[])[] = [
  [
    [0.53, 0.08],
    [0.53, 0.66],
    [0.9, 0.66],
  ],
  [
    [0.47, 0.2],
    [0.47, 0.66],
    [0.16, 0.66],
  ],
  [
    [0.04, 0.72],
    [0.96, 0.72],
    [0.8, 0.92],
    [0.2, 0.92],
  ],
];

/** Kept equal to the manifest's accentColor, which Teams shows around the color icon. */
const accent: Rgb = [0x0b, 0x5c, 0xad];
const white: Rgb = [0xff, 0xff, 0xff];

// 4×4 samples per pixel give the edges a smooth alpha without any drawing library.
const samples = 4;

function inside(polygon: readonly Point[], x: number, y: number): boolean {
  let crossings = 0;
  polygon.forEach(([x1, y1], i) => {
    const [x2, y2] = polygon[(i + 1) % polygon.length] ?? [x1, y1];
    if (y1 > y !== y2 > y && x < ((x2 - x1) * (y - y1)) / (y2 - y1) + x1) crossings += 1;
  });
  return crossings % 2 === 1;
}

/** The share of a pixel's samples that fall on the boat, drawn into a `box` inset by `pad`. */
function coverage(px: number, py: number, box: number, pad: number): number {
  let hits = 0;
  for (let sy = 0; sy < samples; sy += 1) {
    for (let sx = 0; sx < samples; sx += 1) {
      const x = (px + (sx + 0.5) / samples - pad) / box;
      const y = (py + (sy + 0.5) / samples - pad) / box;
      if (boat.some((polygon) => inside(polygon, x, y))) hits += 1;
    }
  }
  return hits / (samples * samples);
}

function blend(under: Rgb, over: Rgb, share: number): Rgb {
  const [r, g, b] = under.map((channel, c) => {
    const top = over[c] ?? channel;
    return Math.round(channel + (top - channel) * share);
  });
  return [r ?? 0, g ?? 0, b ?? 0];
}

interface IconOptions {
  size: number;
  /** Where the boat sits: the square `[pad, size - pad]`. */
  pad: number;
  /** Filled behind the boat; none leaves the background transparent. */
  background?: Rgb;
}

function drawIcon(options: IconOptions): Buffer {
  const { size, pad, background } = options;
  const png = new PNG({ width: size, height: size });
  const box = size - 2 * pad;

  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const cover = coverage(x, y, box, pad);
      const i = (y * size + x) * 4;
      // Over a background the boat is blended into it; alone, it is white with its coverage
      // as alpha, so that every pixel of the outline icon stays white or transparent.
      const [r, g, b] = blend(background ?? white, white, cover);
      const alpha = background === undefined ? Math.round(255 * cover) : 255;
      png.data.set([r, g, b, alpha], i);
    }
  }
  return PNG.sync.write(png, { colorType: 6 });
}

const folder = fileURLToPath(new URL('../manifests/teams/', import.meta.url));
// Teams asks for the symbol inside the color icon's central 120 px, and a little room around
// the outline icon's.
writeFileSync(`${folder}color.png`, drawIcon({ size: 192, pad: 36, background: accent }));
writeFileSync(`${folder}outline.png`, drawIcon({ size: 32, pad: 2 }));
