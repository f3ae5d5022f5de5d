// The one way the extension asks "may the current user do this?": the request itself, as a server-side dry run.
//
// Why not SelfSubjectAccessReview: ks-apiserver authorizes every /api and /apis request with KubeSphere's own RBAC
// (GlobalRole, WorkspaceRole, Role, ClusterRole bindings, pkg/apiserver/authorization/rbac) and then proxies it to
// kube-apiserver with ITS OWN credentials (pkg/apiserver/filters/kubeapiserver.go drops the Authorization header).
// A SelfSubjectAccessReview is therefore refused to a project admin (no KubeSphere rule grants creating it at the
// cluster scope) and, for a platform admin, answered by kube-apiserver for ks-apiserver's identity (always allowed).
// KubeSphere's own iam.kubesphere.io subjectaccessreviews are granted to no normal user either.
//
// A dry run (`?dryRun=All`) goes through exactly the authorization the real request would, and persists nothing:
//   create      POST of a minimal object (generateName), dry run
//   patch       PATCH of a no-op JSON patch (a `test` op on metadata.name), dry run
//   update      PUT of a minimal object, dry run
//   delete      DELETE, dry run
//   get / list  the real read (limit 1)
// 403 means "not allowed" (the Status message says by which rule, parsed like any 403); any other outcome, a
// 404 for a name that does not exist, a 409 or 422 from validation included, means authorization passed.
import { request } from './client';
import type { ClusterContext } from './cluster';
import { ApiError, isCanceled, parseForbidden, type ForbiddenDetail } from './errors';
import { mapLimit } from '../domain/async';
import { ALL_CLIENTS } from './resources';
import type { ResourceClient } from './resource';
import type { KObject } from './models';
import { withQuery } from './paths';
import { executeWrite } from './write';
import type { Write } from '../domain/plan/write';

export type AccessVerb = 'create' | 'patch' | 'update' | 'delete' | 'get' | 'list';

export interface AccessQuestion {
  verb: AccessVerb;
  /** API group ('' for core) and plural resource, as in RBAC rules. */
  group: string;
  resource: string;
  /** Required for namespaced resources. */
  namespace?: string;
  /** An existing object's name, when the question is about one; a name nobody uses otherwise. */
  name?: string;
}

export type AccessVerdict =
  | { allowed: true; /** What the dry run answered besides authorization (e.g. 'Conflict'), for the review. */ note?: string }
  | { allowed: false; forbidden?: ForbiddenDetail; message: string };

/** The name asked about when the question names no object: it does not exist, so a dry run changes nothing. */
export const ACCESS_CHECK_NAME = 'hc-access-check';

/** A dry run's outcome as a verdict: only a 403 is a "no". Cancellation is passed through. */
export function verdictOf(outcome: { ok: true } | { ok: false; error: unknown }): AccessVerdict {
  if (outcome.ok) return { allowed: true };
  const e = outcome.error;
  if (e instanceof ApiError) {
    if (e.kind === 'canceled') throw e;
    if (e.code === 403) return { allowed: false, forbidden: parseForbidden(e.message), message: e.message };
    return { allowed: true, note: e.kind === 'http' ? e.reason : e.kind };
  }
  return { allowed: true, note: e instanceof Error ? e.message : String(e) };
}

function clientOf(group: string, resource: string): ResourceClient<KObject> | undefined {
  return ALL_CLIENTS.find((c) => c.type.group === group && c.type.resource === resource);
}

/** Asks by doing: the dry run of a request of that verb (see the file comment). */
export async function checkAccess(cluster: ClusterContext, q: AccessQuestion, opts: { signal?: AbortSignal } = {}): Promise<AccessVerdict> {
  const client = clientOf(q.group, q.resource);
  if (!client) throw new Error(`no API client for ${q.resource}.${q.group}`);
  if (client.type.namespaced && !q.namespace) throw new Error(`${q.resource} is namespaced: the question needs a namespace`);
  const namespace = client.type.namespaced ? q.namespace : undefined;
  const name = q.name ?? ACCESS_CHECK_NAME;
  const o = { signal: opts.signal, namespace, dryRun: true, timeout: 15_000 };
  try {
    switch (q.verb) {
      case 'create':
        await client.create(cluster, { metadata: { generateName: `${ACCESS_CHECK_NAME}-`, ...(namespace ? { namespace } : {}) }, ...(client.type.kind === 'Secret' ? { type: 'Opaque' } : {}) } as KObject, o);
        break;
      case 'patch':
        await client.patch(cluster, name, [{ op: 'test', path: '/metadata/name', value: name }], 'json', o);
        break;
      case 'update':
        await client.replace(cluster, { metadata: { name, resourceVersion: '1', ...(namespace ? { namespace } : {}) } } as KObject, o);
        break;
      case 'delete':
        await client.delete(cluster, name, o);
        break;
      case 'get':
        await client.get(cluster, name, { signal: opts.signal, namespace });
        break;
      case 'list':
        await request('GET', withQuery(client.path(cluster, { namespace }), { limit: 1 }), { signal: opts.signal });
        break;
    }
    return verdictOf({ ok: true });
  } catch (error) {
    return verdictOf({ ok: false, error });
  }
}

export interface PreflightResult {
  write: Write;
  verdict: AccessVerdict;
}

/**
 * Every write of a plan as a dry run, before Apply: the same requests, authorized the same way, persisting
 * nothing. One verdict per write, in plan order; a 403 names the verb, resource and project that are missing.
 */
export async function preflightWrites(
  cluster: ClusterContext,
  writes: readonly Write[],
  opts: { signal?: AbortSignal; concurrency?: number } = {},
): Promise<PreflightResult[]> {
  return mapLimit(writes, opts.concurrency ?? 16, async (write) => {
    try {
      await executeWrite(write, cluster, { dryRun: true, signal: opts.signal, timeout: 15_000 });
      return { write, verdict: { allowed: true } };
    } catch (error) {
      if (isCanceled(error)) throw error;
      return { write, verdict: verdictOf({ ok: false, error }) };
    }
  });
}
