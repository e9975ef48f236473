// @ts-check
/**
 * Draws the tray and app icons (a bridge arch over a deck) and writes them as PNGs with nothing but zlib:
 *   resources/tray.png               32×32 green, Windows and Linux trays: the bridge is ready
 *   resources/trayTemplate.png       16×16 black + alpha, macOS menu bar (a "Template" image is recoloured by macOS
 *                                    for light and dark menu bars): ready
 *   resources/trayTemplate@2x.png    32×32, the same for Retina
 *   resources/tray-<state>-<bar>.png 32×32, the other states for Windows and Linux: the green glyph with a badge
 *                                    whose shape says the state (attention: a dot, error: a cross, tunnel online: a
 *                                    ring) and whose colour is drawn for a light or a dark bar (3:1 or more on each)
 *   resources/tray-<state>Template.png, …Template@2x.png: the same badges in black for macOS
 *   build/icon.png                   512×512 app icon; electron-builder derives .icns/.ico from it
 * main/electron/tray-icon.ts picks the file. Run `node build/make-icons.mjs` after changing the drawing; the PNGs are
 * committed.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Whether a point of the unit square (y down) is inside the glyph. */
function inGlyph(x, yDown) {
  const y = yDown + 0.065; // centres the glyph vertically
  const deck = x >= 0.08 && x <= 0.92 && y >= 0.62 && y <= 0.72;
  const dx = x - 0.5;
  const dy = y - 0.64;
  const r = Math.hypot(dx, dy);
  const arch = dy <= 0 && r >= 0.26 && r <= 0.37;
  const towers = y >= 0.62 && y <= 0.86 && ((x >= 0.17 && x <= 0.25) || (x >= 0.75 && x <= 0.83));
  return deck || arch || towers;
}

/** Fraction of a pixel covered by the glyph, from a 4×4 grid of samples (anti-aliasing). */
function coverage(px, py, size, inset) {
  let hits = 0;
  for (let sy = 0; sy < 4; sy++) {
    for (let sx = 0; sx < 4; sx++) {
      const u = ((px + (sx + 0.5) / 4) / size - inset) / (1 - 2 * inset);
      const v = ((py + (sy + 0.5) / 4) / size - inset) / (1 - 2 * inset);
      if (inGlyph(u, v)) hits++;
    }
  }
  return hits / 16;
}

/** @param {number} size @param {(x: number, y: number) => [number, number, number, number]} pixel */
function image(size, pixel) {
  const rows = Buffer.alloc(size * (1 + size * 4));
  for (let y = 0; y < size; y++) {
    const row = y * (1 + size * 4);
    rows[row] = 0; // filter: none
    for (let x = 0; x < size; x++) rows.set(pixel(x, y), row + 1 + x * 4);
  }
  return png(size, rows);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(size, rows) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const GREEN = [16, 163, 127];
const BLACK = [0, 0, 0];

/** The badge sits in the bottom-right corner, with a transparent gap around it that separates it from the glyph. */
const BADGE = { cx: 0.76, cy: 0.76, radius: 0.22, gap: 0.08 };

/** Whether a point of the unit square is inside the badge of a state (shapes differ, so no state relies on colour). */
const BADGE_SHAPES = {
  attention: (x, y) => Math.hypot(x - BADGE.cx, y - BADGE.cy) <= BADGE.radius,
  error: (x, y) => {
    const dx = x - BADGE.cx;
    const dy = y - BADGE.cy;
    const half = BADGE.radius * 0.95;
    const stroke = BADGE.radius * 0.36;
    const inBox = Math.abs(dx) <= half && Math.abs(dy) <= half;
    return inBox && (Math.abs(dx - dy) / Math.SQRT2 <= stroke / 2 || Math.abs(dx + dy) / Math.SQRT2 <= stroke / 2);
  },
  tunnel: (x, y) => {
    const r = Math.hypot(x - BADGE.cx, y - BADGE.cy);
    return r <= BADGE.radius && r >= BADGE.radius * 0.5;
  },
};

/** Badge colours per bar (GitHub Primer's light and dark attention/danger/accent): 3:1 or more against the bar. */
const BADGE_COLOURS = {
  light: { attention: [154, 103, 0], error: [207, 34, 46], tunnel: [9, 105, 218] },
  dark: { attention: [210, 153, 34], error: [248, 81, 73], tunnel: [88, 166, 255] },
};

/** Fraction of a pixel covered by `inside` (a predicate on the unit square), 4×4 samples. */
function cover(px, py, size, inside) {
  let hits = 0;
  for (let sy = 0; sy < 4; sy++) {
    for (let sx = 0; sx < 4; sx++) if (inside((px + (sx + 0.5) / 4) / size, (py + (sy + 0.5) / 4) / size)) hits++;
  }
  return hits / 16;
}

/** The glyph with a state badge: the glyph is cut away around the badge so the two never touch. */
const badgedPixel = (glyphRgb, badgeRgb, shape, size, inset) => (x, y) => {
  const badge = cover(x, y, size, BADGE_SHAPES[shape]);
  const clear = cover(x, y, size, (u, v) => Math.hypot(u - BADGE.cx, v - BADGE.cy) <= BADGE.radius + BADGE.gap);
  const glyph = coverage(x, y, size, inset) * (1 - clear);
  if (badge > 0) return [...badgeRgb, alpha(badge)];
  return [...glyphRgb, alpha(glyph)];
};
const alpha = (cover) => Math.round(cover * 255);

/** @returns {[number, number, number, number]} */
const glyphPixel = (rgb, size, inset) => (x, y) => [...rgb, alpha(coverage(x, y, size, inset))];

/** The app icon: the white glyph on a green rounded square. */
function appIconPixel(size) {
  const radius = 0.22;
  return (x, y) => {
    const u = (x + 0.5) / size;
    const v = (y + 0.5) / size;
    const cx = Math.min(Math.max(u, radius), 1 - radius);
    const cy = Math.min(Math.max(v, radius), 1 - radius);
    const inside = Math.hypot(u - cx, v - cy) <= radius;
    if (!inside) return [0, 0, 0, 0];
    const white = coverage(x, y, size, 0.16);
    return [...GREEN.map((c) => Math.round(c + (255 - c) * white)), 255];
  };
}

const outputs = {
  'resources/tray.png': image(32, glyphPixel(GREEN, 32, 0.03)),
  'resources/trayTemplate.png': image(16, glyphPixel(BLACK, 16, 0)),
  'resources/trayTemplate@2x.png': image(32, glyphPixel(BLACK, 32, 0)),
  'build/icon.png': image(512, appIconPixel(512)),
};
for (const shape of Object.keys(BADGE_SHAPES)) {
  for (const [bar, colours] of Object.entries(BADGE_COLOURS)) {
    outputs[`resources/tray-${shape}-${bar}.png`] = image(32, badgedPixel(GREEN, colours[shape], shape, 32, 0.03));
  }
  outputs[`resources/tray-${shape}Template.png`] = image(16, badgedPixel(BLACK, BLACK, shape, 16, 0));
  outputs[`resources/tray-${shape}Template@2x.png`] = image(32, badgedPixel(BLACK, BLACK, shape, 32, 0));
}
for (const [file, bytes] of Object.entries(outputs)) {
  writeFileSync(new URL(file, `file://${root}/`), bytes);
  console.log(`${file} (${bytes.length} bytes)`);
}
