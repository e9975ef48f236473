import { describe, expect, it } from 'vitest';
import { AXIS_COLOR, CARD_BACKGROUND, contrastRatio, SERIES_COLORS, type Scheme } from './chart-colors.js';

describe('chart colours', () => {
  it('computes WCAG contrast ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });

  for (const scheme of ['light', 'dark'] as Scheme[]) {
    it(`every series and the axes stand out at least 3:1 from the ${scheme} card`, () => {
      for (const color of [...SERIES_COLORS[scheme], AXIS_COLOR[scheme]]) {
        expect(contrastRatio(color, CARD_BACKGROUND[scheme]), color).toBeGreaterThanOrEqual(3);
      }
    });
  }
});
