// Legacy (v1) discovery documents and a minimal OpenAPI v3 tree.
// kubectl 1.32 asks /api and /apis for aggregated discovery (apidiscovery.k8s.io/v2) but falls back to these
// unaggregated documents when the answer's Content-Type is plain application/json.
// `kubectl create -f` decides between server-side field validation and client-side schema validation by looking
// for the fieldValidation parameter on the kind's PATCH operation in /openapi/v3/<group-version>; without an
// OpenAPI v3 document every `create -f` fails client-side, so each group-version gets a small document that
// declares the operations and parameters (no schemas: `kubectl explain` is not supported).
import { createHash } from 'node:crypto';
import type { TypeDef } from './types';
import { apiVersionOf } from './types';

export const KUBE_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '59526cd4867447956156ae3a602fcbac10a2c335',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T16:02:27Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

function served(types: TypeDef[]): TypeDef[] {
  return types.filter((t) => !t.enabled || t.enabled());
}

function resourcesOf(t: TypeDef): Record<string, unknown>[] {
  const main: Record<string, unknown> = {
    name: t.resource,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: t.verbs,
    ...(t.shortNames?.length ? { shortNames: t.shortNames } : {}),
    ...(t.categories?.length ? { categories: t.categories } : {}),
    storageVersionHash: createHash('sha256').update(`${t.group}/${t.version}/${t.kind}`).digest('base64').slice(0, 11),
  };
  const subs: Record<string, unknown>[] = [];
  for (const s of t.subresources ?? []) {
    const base = { name: `${t.resource}/${s}`, singularName: '', namespaced: t.namespaced };
    if (s === 'status') subs.push({ ...base, kind: t.kind, verbs: ['get', 'patch', 'update'] });
    else if (s === 'log') subs.push({ ...base, kind: 'Pod', verbs: ['get'] });
    else if (s === 'binding') subs.push({ ...base, kind: 'Binding', verbs: ['create'] });
    else if (s === 'finalize') subs.push({ ...base, kind: t.kind, verbs: ['update'] });
    else if (s === 'scale') subs.push({ ...base, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
  }
  return [main, ...subs];
}

export function apiVersions(hostPort: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: hostPort }],
  };
}

function groupsOf(types: TypeDef[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const t of served(types)) {
    if (!t.group) continue;
    const vs = groups.get(t.group) ?? [];
    if (!vs.includes(t.version)) vs.push(t.version);
    groups.set(t.group, vs);
  }
  return groups;
}

function groupDoc(name: string, versions: string[]) {
  return {
    name,
    versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
  };
}

export function apiGroupList(types: TypeDef[]) {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groupsOf(types)].sort(([a], [b]) => groupOrder(a) - groupOrder(b) || (a < b ? -1 : 1)).map(([g, vs]) => groupDoc(g, vs)),
  };
}

/** Built-in groups first, as the apiserver lists them. */
function groupOrder(g: string): number {
  const order = ['apps', 'events.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'autoscaling', 'batch', 'networking.k8s.io', 'apiextensions.k8s.io'];
  const i = order.indexOf(g);
  return i >= 0 ? i : order.length;
}

export function apiGroup(types: TypeDef[], group: string) {
  const vs = groupsOf(types).get(group);
  return vs ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(group, vs) } : undefined;
}

export function apiResourceList(types: TypeDef[], group: string, version: string) {
  const ts = served(types).filter((t) => t.group === group && t.version === version);
  if (!ts.length) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: ts.flatMap(resourcesOf),
  };
}

// ---------------- OpenAPI v3 ----------------

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

export function openApiV3Index(types: TypeDef[]) {
  const gvs = new Set<string>();
  for (const t of served(types)) gvs.add(gvPath(t.group, t.version));
  if (gvs.size) gvs.add('api');
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const p of [...gvs].sort()) {
    const doc = p === 'api' ? undefined : openApiV3Doc(types, p);
    const hash = createHash('sha512').update(JSON.stringify(doc ?? p)).digest('hex').slice(0, 128).toUpperCase();
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash}` };
  }
  return { paths };
}

const queryParam = (name: string, description: string) => ({ name, in: 'query', description, schema: { type: 'string', uniqueItems: true } });

export function openApiV3Doc(types: TypeDef[], gv: string) {
  const ts = served(types).filter((t) => gvPath(t.group, t.version) === gv);
  if (!ts.length && gv !== 'api') return undefined;
  const paths: Record<string, unknown> = {};
  for (const t of ts) {
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    const prefix = `/${gv}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.resource}`;
    const common = [queryParam('dryRun', 'When present, indicates that modifications should not be persisted.'), queryParam('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'), queryParam('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.')];
    const op = (action: string, extra: unknown[] = []) => ({
      description: `${action} ${t.kind}`,
      operationId: `${action}${t.kind}`,
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      parameters: [...common, ...extra],
      responses: { '200': { description: 'OK' } },
    });
    if (t.verbs.includes('create')) paths[prefix] = { post: op('post') };
    if (t.verbs.includes('get')) {
      paths[`${prefix}/{name}`] = {
        put: op('put'),
        patch: op('patch', [queryParam('force', 'Force is going to "force" Apply requests.')]),
      };
    }
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: KUBE_VERSION.gitVersion },
    paths,
    components: { schemas: {} },
  };
}

export { apiVersionOf };
