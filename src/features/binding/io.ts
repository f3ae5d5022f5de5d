// BindIo over the extension's API layer (browser: same-origin through the console server).
import type { ClusterContext } from '../../api/cluster';
import { clientFor } from '../../api/resources';
import { executeWrite } from '../../api/write';
import type { BindIo } from './bind';

export function apiBindIo(cluster: ClusterContext): BindIo {
  return {
    async read(apiVersion, kind, namespace, name, signal) {
      const client = clientFor(apiVersion, kind);
      if (!client) throw new Error(`no API client for ${apiVersion} ${kind}`);
      return (await client.get(cluster, name, { namespace, signal })) as unknown as Record<string, unknown>;
    },
    write: (write, signal) => executeWrite(write, cluster, { signal }),
  };
}
