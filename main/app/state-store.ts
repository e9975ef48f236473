/** Deep-frozen, so a subscriber can keep a snapshot and compare it later without it changing underneath. */
export type Snapshot<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends ReadonlyArray<infer U>
    ? ReadonlyArray<Snapshot<U>>
    : T extends object
      ? { readonly [K in keyof T]: Snapshot<T[K]> }
      : T;

export type StateListener<T> = (next: Snapshot<T>, previous: Snapshot<T>) => void;

/** One observable value: immutable snapshots, changed only through `update`, announced to every subscriber. */
export interface StateStore<T> {
  get(): Snapshot<T>;
  /** Replaces the snapshot with `change(current)`; subscribers hear of it only when the result is a new object. */
  update(change: (current: Snapshot<T>) => T | Snapshot<T>): void;
  subscribe(listener: StateListener<T>): () => void;
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return Object.freeze(value);
}

export function createStateStore<T>(initial: T): StateStore<T> {
  let current = deepFreeze(initial) as Snapshot<T>;
  const listeners = new Set<StateListener<T>>();
  return {
    get: () => current,
    update(change) {
      const next = deepFreeze(change(current)) as Snapshot<T>;
      if (next === current) return;
      const previous = current;
      current = next;
      // A listener that unsubscribes (or subscribes another) while being told must not disturb this round.
      for (const listener of [...listeners]) listener(next, previous);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
