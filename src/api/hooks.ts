// TanStack Query v4 hooks over the resource clients, and the cache's upkeep: after an apply, exactly what the
// writes changed is read again (the lists in the object's namespace, the all-namespaces lists of that kind, the
// object itself); Secret data leaves the cache as soon as nothing shows it.
import { useQuery, type QueryClient, type UseQueryOptions } from '@tanstack/react-query';
import type { Write, WriteOutcome } from '../domain/plan/write';
import type { ClusterContext } from './cluster';
import type { ApiError } from './errors';
import type { KList, KObject } from './models';
import { ALL_NAMESPACES, isSecretKey, nsSlot, queryKeys, ROOT, type ListParams } from './queryKeys';
import { getQueryClient } from './queryClient';
import type { ResourceClient } from './resource';
import { clientFor } from './resources';
import { checkAccess, type AccessQuestion, type AccessVerdict } from './access';

/** Secret queries leave the cache as soon as no component uses them. */
export const SECRET_CACHE_TIME = 0;

type QueryOpts<T> = Omit<UseQueryOptions<T, ApiError, T, readonly unknown[]>, 'queryKey' | 'queryFn'>;

function secretSafe<T>(type: { resource: string; group: string }, opts: QueryOpts<T> | undefined): QueryOpts<T> {
  if (type.group === '' && type.resource === 'secrets') {
    return { ...opts, cacheTime: Math.min(opts?.cacheTime ?? SECRET_CACHE_TIME, SECRET_CACHE_TIME) };
  }
  return opts ?? {};
}

export interface UseListArgs extends ListParams {
  namespace?: string;
}

/** A Kubernetes list; `all: true` follows `continue` to the end. */
export function useList<T extends KObject>(
  client: ResourceClient<T>,
  cluster: ClusterContext,
  args: UseListArgs = {},
  options?: QueryOpts<KList<T>>,
) {
  const { namespace, ...params } = args;
  const ns = nsSlot(client.type.namespaced, namespace);
  return useQuery<KList<T>, ApiError, KList<T>, readonly unknown[]>({
    queryKey: queryKeys.list(cluster.name, client.type.resource, ns, params),
    queryFn: ({ signal }) => {
      const o = { namespace, labelSelector: params.labelSelector, fieldSelector: params.fieldSelector, limit: params.limit, signal };
      return params.all ? client.listAll(cluster, o) : client.list(cluster, o);
    },
    ...secretSafe(client.type, options),
  });
}

/** Whether the current user may do something: the request's own dry run (see ./access). */
export function useAccess(cluster: ClusterContext, question: AccessQuestion, options?: QueryOpts<AccessVerdict>) {
  return useQuery<AccessVerdict, ApiError, AccessVerdict, readonly unknown[]>({
    queryKey: queryKeys.access(cluster.name, question),
    queryFn: ({ signal }) => checkAccess(cluster, question, { signal }),
    staleTime: 60_000,
    ...options,
  });
}

// ---- invalidation ---------------------------------------------------------------------------------

export interface Changed {
  cluster: string;
  resource: string;
  namespaced: boolean;
  namespace?: string;
  name: string;
  deleted?: boolean;
}

/** Invalidates the lists that can contain the object and the object's own query; a deleted object's query is removed. */
export async function invalidateChanged(qc: QueryClient, c: Changed): Promise<void> {
  const ns = nsSlot(c.namespaced, c.namespace);
  const objectKey = queryKeys.object(c.cluster, c.resource, ns, c.name);
  if (c.deleted) qc.removeQueries({ queryKey: objectKey, exact: true });
  const slots = c.namespaced ? [ns, ALL_NAMESPACES] : [ns];
  const work: Array<Promise<void>> = [];
  for (const slot of new Set(slots)) {
    work.push(qc.invalidateQueries({ queryKey: queryKeys.lists(c.cluster, c.resource, slot) }));
    work.push(qc.invalidateQueries({ queryKey: queryKeys.ksLists(c.cluster, c.resource, slot) }));
  }
  if (!c.deleted) work.push(qc.invalidateQueries({ queryKey: objectKey, exact: true }));
  // A new or deleted namespace changes the project pickers too.
  if (c.resource === 'namespaces') {
    work.push(
      qc.invalidateQueries({
        predicate: (q) => q.queryKey[0] === ROOT && q.queryKey[1] === c.cluster && q.queryKey[4] === 'workspace',
      }),
    );
  }
  await Promise.all(work);
}

/** Removes every cached Secret query (call when a wizard that read Secrets closes). Optionally one cluster only. */
export function removeSecretQueries(qc: QueryClient = getQueryClient(), cluster?: string): void {
  qc.removeQueries({
    predicate: (q) => isSecretKey(q.queryKey) && (cluster === undefined || q.queryKey[1] === cluster),
  });
}

// ---- after an apply ----------------------------------------------------------------------------

export function changedByWrite(write: Write, cluster: string): Changed | undefined {
  const client = clientFor(write.apiVersion, write.kind);
  if (!client) return undefined;
  return {
    cluster,
    resource: client.type.resource,
    namespaced: client.type.namespaced,
    namespace: write.namespace,
    name: write.name,
    deleted: write.action === 'delete',
  };
}

/**
 * The one invalidation after a plan was applied (or each retry of it): what every write that was sent changed
 * (done, or failed: the object may have moved under us). `wholeCluster`: the page also shows state the writes do
 * not name (pods to restart, warnings derived from other objects), so everything of the cluster is read again.
 */
export async function invalidateAfterApply(
  qc: QueryClient,
  cluster: string,
  outcomes: readonly WriteOutcome[],
  opts: { wholeCluster?: boolean } = {},
): Promise<void> {
  if (opts.wholeCluster) return qc.invalidateQueries({ queryKey: queryKeys.cluster(cluster) });
  const changed = outcomes.filter((o) => o.status !== 'unchanged').map((o) => changedByWrite(o.write, cluster));
  await Promise.all(changed.map((c) => (c ? invalidateChanged(qc, c) : undefined)));
}
