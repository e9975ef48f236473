import { describe, expect, it } from 'vitest';
import { clampEffort } from './model-target.js';

describe('clampEffort', () => {
  it('picks the deepest supported effort below, else the shallowest above', () => {
    expect(clampEffort('xhigh', ['low', 'medium', 'high'])).toBe('high');
    expect(clampEffort('minimal', ['low', 'high'])).toBe('low');
    expect(clampEffort('medium', ['low', 'medium'])).toBe('medium');
    expect(clampEffort('medium', [])).toBe('medium');
  });
});
