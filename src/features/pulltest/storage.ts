// The last pull test of a registry, kept in this browser tab (sessionStorage: gone with the tab, never shared with
// the next user of the same browser): its pods are deleted once read, so the cluster keeps nothing of it but
// events. A tiny subscription lets every panel showing the registry update at once.
import React from 'react';
import type { StoredPullTest } from '../../domain/health';

const KEY = (cluster: string, id: string) => `harbor-connect:pulltest:${cluster}:${id}`;
const listeners = new Set<() => void>();

export function readLastPullTest(cluster: string, id: string): StoredPullTest | undefined {
  try {
    const raw = sessionStorage.getItem(KEY(cluster, id));
    return raw ? (JSON.parse(raw) as StoredPullTest) : undefined;
  } catch {
    return undefined;
  }
}

export function writeLastPullTest(cluster: string, id: string, value: StoredPullTest): void {
  try {
    sessionStorage.setItem(KEY(cluster, id), JSON.stringify(value));
  } catch {
    /* storage full or disabled: the result is still shown until the page closes */
  }
  for (const l of listeners) l();
}

export function useLastPullTest(cluster: string, id: string): StoredPullTest | undefined {
  const [value, setValue] = React.useState(() => readLastPullTest(cluster, id));
  React.useEffect(() => {
    const update = () => setValue(readLastPullTest(cluster, id));
    update();
    listeners.add(update);
    return () => void listeners.delete(update);
  }, [cluster, id]);
  return value;
}
