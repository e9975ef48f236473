/** Ways the load generator fires requests. */
import { setTimeout as sleep } from 'node:timers/promises';

/** `count` tasks, at most `concurrency` in flight. */
export async function runConcurrently<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(count, concurrency) }, worker));
  return results;
}

/** `count` tasks started evenly over `spreadMs`: independent users do not start in lock-step. */
export function staggered<T>(count: number, spreadMs: number, task: (index: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, async (_, index) => {
    await sleep((index * spreadMs) / count);
    return task(index);
  }));
}
