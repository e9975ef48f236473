import { describe, expect, it } from 'vitest';
import { createStateStore } from './state-store.js';

describe('the state store', () => {
  it('hands out frozen snapshots, tells subscribers the next and the previous one, and stops telling after unsubscribe', () => {
    const store = createStateStore({ tunnel: { state: 'off' }, requests: [1] });
    const seen: Array<[string, string]> = [];
    const unsubscribe = store.subscribe((next, previous) => seen.push([next.tunnel.state, previous.tunnel.state]));
    const first = store.get();
    expect(Object.isFrozen(first.tunnel)).toBe(true);
    expect(() => ((first.requests as number[]).push(2))).toThrow(TypeError);

    store.update((state) => ({ ...state, tunnel: { state: 'online' } }));
    expect(first.tunnel.state).toBe('off');
    expect(store.get().tunnel.state).toBe('online');
    expect(store.get().requests).toBe(first.requests);
    store.update((state) => state);
    unsubscribe();
    store.update((state) => ({ ...state, tunnel: { state: 'off' } }));
    expect(seen).toEqual([['online', 'off']]);
  });
});
