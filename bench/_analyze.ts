import { readFileSync, readdirSync } from 'node:fs';
interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[]; hitCount?: number }
const dir = '/tmp/prof';
const file = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort().at(-1)!;
const prof = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<number, number>();
prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
const label = (n: Node) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/.*\/(node_modules|bb-[^/]+\/build)\//, '')}:${n.callFrame.lineNumber}`;
const selfBy = new Map<string, number>();
const inclBy = new Map<string, number>();
let total = 0;
for (const [id, t] of self) {
  const n = byId.get(id)!;
  if (n.callFrame.functionName === '(idle)') continue;
  total += t;
  selfBy.set(label(n), (selfBy.get(label(n)) ?? 0) + t);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur)!);
    if (seen.has(l)) continue;
    seen.add(l);
    inclBy.set(l, (inclBy.get(l) ?? 0) + t);
  }
}
const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([l, t]) => `${((t / total) * 100).toFixed(1).padStart(5)}%  ${l}`).join('\n');
console.log('busy ms', (total / 1000).toFixed(0));
console.log('--- self\n' + top(selfBy, Number(process.argv[2] ?? 30)));
console.log('--- inclusive\n' + top(inclBy, Number(process.argv[3] ?? 50)));
