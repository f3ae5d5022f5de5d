// TanStack Query v4 hooks over the resource clients. Mutations invalidate exactly what they change:
// the lists in the object's namespace and the all-namespaces lists of that kind, and the object itself.
import {
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
  type UseMutationOptions,
  type UseQueryOptions,
} from '@tanstack/react-query';
import type { Write } from '../domain/plan/write';
import type { ClusterContext } from './cluster';
import type { ApiError } from './errors';
import type { KList, KObject } from './models';
import { ALL_NAMESPACES, isSecretKey, nsSlot, queryKeys, ROOT, type ListParams } from './queryKeys';
import { getQueryClient } from './queryClient';
import type { DeleteOptions, PatchType, ResourceClient, WriteOptions } from './resource';
import { clientFor } from './resources';
import { checkAccess, type AccessQuestion, type AccessVerdict } from './access';
import { executeWrite, type ExecuteOptions } from './write';

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

export function useGet<T extends KObject>(
  client: ResourceClient<T>,
  cluster: ClusterContext,
  args: { namespace?: string; name: string | undefined },
  options?: QueryOpts<T>,
) {
  const ns = nsSlot(client.type.namespaced, args.namespace);
  return useQuery<T, ApiError, T, readonly unknown[]>({
    queryKey: queryKeys.object(cluster.name, client.type.resource, ns, args.name ?? ''),
    queryFn: ({ signal }) => client.get(cluster, args.name as string, { namespace: args.namespace, signal }),
    ...secretSafe(client.type, options),
    enabled: !!args.name && (options?.enabled ?? true),
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

// ---- mutations --------------------------------------------------------------------------------------

type MutOpts<TData, TVars> = Omit<UseMutationOptions<TData, ApiError, TVars>, 'mutationFn'>;

function changedOf(client: ResourceClient<KObject>, cluster: ClusterContext, namespace: string | undefined, name: string, deleted = false): Changed {
  return { cluster: cluster.name, resource: client.type.resource, namespaced: client.type.namespaced, namespace, name, deleted };
}

function withInvalidation<TData, TVars>(
  qc: QueryClient,
  opts: MutOpts<TData, TVars> | undefined,
  changed: (vars: TVars) => Changed,
): MutOpts<TData, TVars> {
  return {
    ...opts,
    onSuccess: async (data, vars, ctx) => {
      await invalidateChanged(qc, changed(vars));
      await opts?.onSuccess?.(data, vars, ctx);
    },
  };
}

export function useCreate<T extends KObject>(client: ResourceClient<T>, cluster: ClusterContext, options?: MutOpts<T, { body: T } & WriteOptions>) {
  const qc = useQueryClient();
  return useMutation<T, ApiError, { body: T } & WriteOptions>({
    mutationFn: ({ body, ...o }) => client.create(cluster, body, o),
    ...withInvalidation(qc, options, (v) =>
      changedOf(client as ResourceClient<KObject>, cluster, v.namespace ?? v.body.metadata?.namespace, v.body.metadata?.name ?? ''),
    ),
  });
}

export function useReplace<T extends KObject>(client: ResourceClient<T>, cluster: ClusterContext, options?: MutOpts<T, { body: T } & WriteOptions>) {
  const qc = useQueryClient();
  return useMutation<T, ApiError, { body: T } & WriteOptions>({
    mutationFn: ({ body, ...o }) => client.replace(cluster, body, o),
    ...withInvalidation(qc, options, (v) =>
      changedOf(client as ResourceClient<KObject>, cluster, v.namespace ?? v.body.metadata?.namespace, v.body.metadata?.name ?? ''),
    ),
  });
}

export interface PatchVars extends WriteOptions {
  name: string;
  patch: unknown;
  patchType: PatchType;
}

export function usePatch<T extends KObject>(client: ResourceClient<T>, cluster: ClusterContext, options?: MutOpts<T, PatchVars>) {
  const qc = useQueryClient();
  return useMutation<T, ApiError, PatchVars>({
    mutationFn: ({ name, patch, patchType, ...o }) => client.patch(cluster, name, patch, patchType, o),
    ...withInvalidation(qc, options, (v) => changedOf(client as ResourceClient<KObject>, cluster, v.namespace, v.name)),
  });
}

export interface DeleteVars extends DeleteOptions {
  name: string;
}

export function useDelete<T extends KObject>(client: ResourceClient<T>, cluster: ClusterContext, options?: MutOpts<unknown, DeleteVars>) {
  const qc = useQueryClient();
  return useMutation<unknown, ApiError, DeleteVars>({
    mutationFn: ({ name, ...o }) => client.delete(cluster, name, o),
    ...withInvalidation(qc, options, (v) => changedOf(client as ResourceClient<KObject>, cluster, v.namespace, v.name, true)),
  });
}

/** What one planned write changes in the cache (undefined for kinds without a client). */
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

/** Applies one planned write; invalidates what it changed. A dry run changes nothing and invalidates nothing. */
export function useExecuteWrite(cluster: ClusterContext, options?: MutOpts<unknown, { write: Write } & ExecuteOptions>) {
  const qc = useQueryClient();
  return useMutation<unknown, ApiError, { write: Write } & ExecuteOptions>({
    mutationFn: ({ write, ...o }) => executeWrite(write, cluster, o),
    ...options,
    onSuccess: async (data, vars, ctx) => {
      const changed = vars.dryRun ? undefined : changedByWrite(vars.write, cluster.name);
      if (changed) await invalidateChanged(qc, changed);
      await options?.onSuccess?.(data, vars, ctx);
    },
  });
}
