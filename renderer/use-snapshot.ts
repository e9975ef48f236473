import { useEffect, useState } from 'react';
import type { BridgeSnapshot } from '../shared/bridge-api.js';
import { errorMessage } from './format.js';

/** The core's state: fetched once, then kept current by pushed snapshots (the subscription ends on unmount). */
export function useSnapshot(): { snapshot: BridgeSnapshot | undefined; error: string | undefined } {
  const [snapshot, setSnapshot] = useState<BridgeSnapshot>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let mounted = true;
    const unsubscribe = window.bridge.onSnapshot((next) => setSnapshot(next));
    window.bridge.getSnapshot().then(
      // A snapshot pushed while this was on its way is newer: keep it.
      (first) => mounted && setSnapshot((current) => current ?? first),
      (failure: unknown) => mounted && setError(errorMessage(failure)),
    );
    return () => {
      mounted = false;
      unsubscribe();
    };
  }, []);

  return { snapshot, error };
}
