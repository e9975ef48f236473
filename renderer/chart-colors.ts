/**
 * Series colours for the usage charts, one palette per colour scheme, each at least 3:1 against the card behind it
 * (WCAG 1.4.11, graphical objects). SVG presentation attributes cannot read CSS variables, hence plain values here.
 */
export const CARD_BACKGROUND = { light: '#ffffff', dark: '#1d2129' } as const;

export const SERIES_COLORS = {
  light: ['#2f5bea', '#b35900', '#1a7f4b', '#8a3ffc', '#c0362c', '#00758f'],
  dark: ['#7c9cff', '#f0a050', '#4cc38a', '#c4a1ff', '#f47067', '#4fc3d9'],
} as const;

/** Axis lines, ticks and reference lines. */
export const AXIS_COLOR = { light: '#667085', dark: '#98a2b3' } as const;

export type Scheme = keyof typeof CARD_BACKGROUND;

export function seriesColor(scheme: Scheme, index: number): string {
  const palette = SERIES_COLORS[scheme];
  return palette[index % palette.length] as string;
}

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((at) => channel(Number.parseInt(hex.slice(at, at + 2), 16))) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two `#rrggbb` colours. */
export function contrastRatio(a: string, b: string): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (high + 0.05) / (low + 0.05);
}
