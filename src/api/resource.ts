// One generic client for every Kubernetes kind; resources/<kind>.ts instantiate it with a ResourceType.
import { request, type RequestOptions } from './client';
import type { ClusterContext } from './cluster';
import type { KList, KObject, WatchEvent } from './models';
import { resourcePath, withQuery, type ResourceType } from './paths';
import { watchLoop } from './watch';
import type { PatchType } from '../domain/plan/write';

export type { PatchType };

/** The Content-Type each patch type needs (kube-apiserver picks the patch strategy from it). */
export const PATCH_CONTENT_TYPE: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  // Not served for custom resources (415): use 'merge' or 'json' for CRDs.
  'strategic-merge': 'application/strategic-merge-patch+json',
};

export interface CallOptions {
  signal?: AbortSignal;
  /** ms; default 30 s. */
  timeout?: number;
}

export interface ListOptions extends CallOptions {
  /** Omit for all namespaces (namespaced kinds) or for cluster-scoped kinds. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface ObjectOptions extends CallOptions {
  namespace?: string;
}

export interface WriteOptions extends ObjectOptions {
  /** Server-side dry run: admission and validation without persisting. */
  dryRun?: boolean;
  fieldManager?: string;
}

export interface DeleteOptions extends WriteOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  /** Delete only this version (a precondition: 409 if it changed). */
  resourceVersion?: string;
  /** Delete only this object (a precondition: 409 if the name now holds another one). */
  uid?: string;
}

export interface WatchOptions<T> {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  /** Server closes the stream after this; the loop reconnects. Default 300 s. */
  timeoutSeconds?: number;
  signal?: AbortSignal;
  onEvent: (event: WatchEvent<T>) => void;
  onExpired?: () => Promise<string | undefined>;
}

const FIELD_MANAGER = 'harbor-connect';
/** Ask for PartialObjectMetadataList; a server that cannot answers the full list (then only metadata is kept). */
export const METADATA_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

function writeQuery(opts: WriteOptions) {
  return { dryRun: opts.dryRun ? 'All' : undefined, fieldManager: opts.fieldManager ?? FIELD_MANAGER };
}

function nsOf(type: ResourceType, namespace: string | undefined, body?: KObject): string | undefined {
  if (!type.namespaced) return undefined;
  return namespace ?? body?.metadata?.namespace;
}

export interface ResourceClient<T extends KObject> {
  readonly type: ResourceType;
  /** The apiVersion objects of this kind carry ('v1', 'apps/v1'). */
  readonly apiVersion: string;
  path(cluster: ClusterContext | undefined, opts?: { namespace?: string; name?: string; subresource?: string }): string;
  list(cluster: ClusterContext, opts?: ListOptions): Promise<KList<T>>;
  /**
   * Names and metadata only (PartialObjectMetadataList): no Secret data crosses the wire. Whatever the server
   * answers, only `metadata` is kept.
   */
  listMetadata(cluster: ClusterContext, opts?: ListOptions): Promise<KList<Pick<T, 'metadata'>>>;
  /** Follows `continue` until the list is complete; `limit` is the page size (default 500). */
  listAll(cluster: ClusterContext, opts?: Omit<ListOptions, 'continue'>): Promise<KList<T>>;
  get(cluster: ClusterContext, name: string, opts?: ObjectOptions): Promise<T>;
  create(cluster: ClusterContext, body: T, opts?: WriteOptions): Promise<T>;
  /** PUT; the body must carry metadata.resourceVersion as read (a stale one gives 409 Conflict). */
  replace(cluster: ClusterContext, body: T, opts?: WriteOptions): Promise<T>;
  patch(
    cluster: ClusterContext,
    name: string,
    patch: unknown,
    patchType: PatchType,
    opts?: WriteOptions,
  ): Promise<T>;
  delete(cluster: ClusterContext, name: string, opts?: DeleteOptions): Promise<unknown>;
  /** Streams events until opts.signal aborts; see watch.ts for resume and relist behaviour. */
  watch(cluster: ClusterContext, opts: WatchOptions<T>): Promise<void>;
}

/**
 * GET of a Kubernetes list. kube-apiserver answers `"items": null` for an empty list in some representations
 * (e.g. an empty PartialObjectMetadataList, seen on the real 1.31 server): callers always get an array.
 */
export async function listRequest<T>(url: string, opts: RequestOptions = {}): Promise<KList<T>> {
  const list = await request<KList<T>>('GET', url, opts);
  return { ...list, items: list.items ?? [] };
}

export function resourceClient<T extends KObject>(type: ResourceType): ResourceClient<T> {
  const apiVersion = type.group === '' ? type.version : `${type.group}/${type.version}`;
  const path: ResourceClient<T>['path'] = (cluster, opts = {}) => resourcePath(type, { cluster, ...opts });

  const client: ResourceClient<T> = {
    type,
    apiVersion,
    path,

    list(cluster, opts = {}) {
      const url = withQuery(path(cluster, { namespace: nsOf(type, opts.namespace) }), {
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        limit: opts.limit,
        continue: opts.continue,
      });
      return listRequest<T>(url, opts);
    },

    async listMetadata(cluster, opts = {}) {
      const url = withQuery(path(cluster, { namespace: nsOf(type, opts.namespace) }), {
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        limit: opts.limit,
        continue: opts.continue,
      });
      const list = await listRequest<T>(url, { ...opts, headers: { Accept: METADATA_ACCEPT } });
      return { ...list, items: list.items.map((o) => ({ metadata: o.metadata }) as Pick<T, 'metadata'>) };
    },

    async listAll(cluster, opts = {}) {
      const pageSize = opts.limit ?? 500;
      let page = await client.list(cluster, { ...opts, limit: pageSize });
      const items = [...page.items];
      // A continue token can expire (410) mid-way; the caller's query retries from scratch.
      while (page.metadata?.continue) {
        page = await client.list(cluster, { ...opts, limit: pageSize, continue: page.metadata.continue });
        items.push(...page.items);
      }
      return { ...page, metadata: { ...page.metadata, continue: undefined }, items };
    },

    get(cluster, name, opts = {}) {
      return request<T>('GET', path(cluster, { namespace: nsOf(type, opts.namespace), name }), opts);
    },

    create(cluster, body, opts = {}) {
      const url = withQuery(path(cluster, { namespace: nsOf(type, opts.namespace, body) }), writeQuery(opts));
      return request<T>('POST', url, { ...opts, body: { apiVersion, kind: type.kind, ...body } });
    },

    replace(cluster, body, opts = {}) {
      const name = body.metadata?.name;
      if (!name) throw new Error(`replace ${type.kind}: metadata.name is required`);
      if (!body.metadata?.resourceVersion) {
        throw new Error(`replace ${type.kind} ${name}: metadata.resourceVersion is required (read before write)`);
      }
      const url = withQuery(path(cluster, { namespace: nsOf(type, opts.namespace, body), name }), writeQuery(opts));
      return request<T>('PUT', url, { ...opts, body: { apiVersion, kind: type.kind, ...body } });
    },

    patch(cluster, name, patch, patchType, opts = {}) {
      const url = withQuery(path(cluster, { namespace: nsOf(type, opts.namespace), name }), writeQuery(opts));
      return request<T>('PATCH', url, { ...opts, body: patch, contentType: PATCH_CONTENT_TYPE[patchType] });
    },

    delete(cluster, name, opts = {}) {
      const url = withQuery(path(cluster, { namespace: nsOf(type, opts.namespace), name }), {
        dryRun: opts.dryRun ? 'All' : undefined,
      });
      const preconditions =
        opts.resourceVersion || opts.uid
          ? { ...(opts.uid ? { uid: opts.uid } : {}), ...(opts.resourceVersion ? { resourceVersion: opts.resourceVersion } : {}) }
          : undefined;
      // kube-apiserver reads DeleteOptions from the body when there is one and then IGNORES the query
      // (endpoints/handlers/delete.go): a body must carry dryRun itself, or a "dry run" deletes for real.
      const body =
        opts.propagationPolicy || preconditions
          ? { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: opts.propagationPolicy, preconditions, ...(opts.dryRun ? { dryRun: ['All'] } : {}) }
          : undefined;
      return request<unknown>('DELETE', url, { ...opts, body });
    },

    watch(cluster, opts) {
      const base = path(cluster, { namespace: nsOf(type, opts.namespace) });
      return watchLoop<T>(
        (rv) =>
          withQuery(base, {
            watch: true,
            allowWatchBookmarks: true,
            labelSelector: opts.labelSelector,
            fieldSelector: opts.fieldSelector,
            resourceVersion: rv,
            timeoutSeconds: opts.timeoutSeconds ?? 300,
          }),
        { signal: opts.signal, onEvent: opts.onEvent, resourceVersion: opts.resourceVersion, onExpired: opts.onExpired },
      );
    },
  };
  return client;
}
