/** Figures as the bench prints them: a table with each target and verdict, then one summary line. */

export interface Figure {
  section: string;
  name: string;
  value: number;
  unit: string;
  /** The value must stay at or below `max` / at or above `min`; no target = reported only. */
  target?: { max: number } | { min: number };
  /** Context: the two sides that were compared, sample counts… */
  detail?: string;
  /** Short label for the summary line; figures without one stay out of it. */
  key?: string;
}

export function passes(figure: Figure): boolean | undefined {
  const { target, value } = figure;
  if (!target) return undefined;
  if (!Number.isFinite(value)) return false;
  return 'max' in target ? value <= target.max : value >= target.min;
}

export function format(value: number, unit: string): string {
  if (!Number.isFinite(value)) return `— ${unit}`;
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`.trim();
}

function targetText(figure: Figure): string {
  if (!figure.target) return '';
  return 'max' in figure.target ? `≤ ${format(figure.target.max, figure.unit)}` : `≥ ${format(figure.target.min, figure.unit)}`;
}

export function renderTable(figures: Figure[]): string {
  const rows = figures.map((f) => {
    const verdict = passes(f);
    return [f.section, f.name, format(f.value, f.unit), targetText(f), verdict === undefined ? '' : verdict ? 'PASS' : 'FAIL', f.detail ?? ''];
  });
  const header = ['area', 'figure', 'value', 'target', '', 'detail'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function summaryLine(figures: Figure[]): { text: string; allMet: boolean } {
  const judged = figures.filter((f) => f.target);
  const met = judged.filter((f) => passes(f)).length;
  const keys = figures.filter((f) => f.key).map((f) => `${f.key} ${format(f.value, f.unit)}`);
  const failed = judged.filter((f) => !passes(f)).map((f) => `FAILED: ${f.name}`);
  return { text: `bench: ${met}/${judged.length} targets met (${[...keys, ...failed].join(', ')})`, allMet: met === judged.length };
}
