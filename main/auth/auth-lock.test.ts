import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { withFileLock } from './auth-lock.js';

let dir: string;
let lock: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'auth-lock-'));
  lock = path.join(dir, 'auth.json.lock');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('runs holders one at a time and removes the lock file afterwards', async () => {
  const order: string[] = [];
  const hold = (name: string) =>
    withFileLock(lock, async () => {
      order.push(`${name}:in`);
      expect(existsSync(lock)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 30));
      order.push(`${name}:out`);
    });
  await Promise.all([hold('a'), hold('b'), hold('c')]);
  for (let i = 0; i < order.length; i += 2) expect(order[i]!.split(':')[0]).toBe(order[i + 1]!.split(':')[0]);
  expect(readdirSync(dir)).toEqual([]);
});

it('breaks a lock whose owner process is gone', async () => {
  writeFileSync(lock, '2147483646 deadbeef'); // no such pid
  expect(await withFileLock(lock, async () => 'ran')).toBe('ran');
  expect(readdirSync(dir)).toEqual([]);
});

it('breaks a lock older than the stale timeout even when its pid is alive, but waits for a fresh one', async () => {
  writeFileSync(lock, `${process.pid} other-holder`);
  let ran = false;
  const waiting = withFileLock(lock, async () => (ran = true), { staleMs: 200, pollMs: 10 });
  await new Promise((resolve) => setTimeout(resolve, 80));
  expect(ran).toBe(false);
  const old = new Date(Date.now() - 10_000);
  utimesSync(lock, old, old);
  await waiting;
  expect(ran).toBe(true);
});

it('runs unlocked where no lock file can be made (no folder)', async () => {
  expect(await withFileLock(path.join(dir, 'missing', 'auth.json.lock'), async () => 'ran')).toBe('ran');
});
