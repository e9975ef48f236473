/**
 * Where the bridge's CPU time went, from the V8 profile that `--profile` makes the bridge child write: the functions
 * with the most self time, and the time per code area (bridge folders, libraries, Node internals).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const IDLE = new Set(['(idle)', '(program)']);

export async function summarizeNewestProfile(dir: string, top = 15): Promise<string> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile')).sort();
  const newest = files.at(-1);
  if (!newest) return `no .cpuprofile in ${dir}`;
  const profile = JSON.parse(await readFile(path.join(dir, newest), 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfByFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    const micros = profile.timeDeltas[i] ?? 0;
    if (!frame || IDLE.has(frame.functionName)) return;
    busy += micros;
    const where = shortUrl(frame.url);
    const name = `${frame.functionName || '(anonymous)'} ${where}${where ? `:${frame.lineNumber + 1}` : ''}`;
    selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + micros);
    byArea.set(area(where, frame.functionName), (byArea.get(area(where, frame.functionName)) ?? 0) + micros);
  });
  const lines = (map: Map<string, number>, count: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([label, micros]) => `  ${((micros / busy) * 100).toFixed(1).padStart(5)}%  ${label}`);
  return [
    `bridge CPU profile ${path.join(dir, newest)} — ${(busy / 1000).toFixed(0)} ms busy`,
    'by area:',
    ...lines(byArea, 12),
    `top ${top} functions by self time:`,
    ...lines(selfByFunction, top),
  ].join('\n');
}

/** The path from the package or project folder on (compiled bridge files live in a temp build dir). */
function shortUrl(url: string): string {
  const nodeModules = url.lastIndexOf('/node_modules/');
  if (nodeModules !== -1) return url.slice(nodeModules + '/node_modules/'.length);
  const project = url.search(/\/(main|bench)\//);
  return project === -1 ? url : url.slice(project + 1);
}

function area(where: string, functionName: string): string {
  if (where.startsWith('main/')) return where.split('/').slice(0, 2).join('/');
  if (where.startsWith('node:')) return 'node internals';
  if (where === '') return functionName.startsWith('(') ? functionName : `native: ${functionName}`;
  return where.split('/')[0]!;
}
