// The Kubernetes REST surface as kube-apiserver serves it: discovery, OpenAPI v3 stubs, /version and health,
// and per resource get, list, watch (chunked newline-delimited events), create, replace, the patch types,
// delete, deletecollection, and the subresources status, scale, log and binding. Every resource request is
// authorized with the user's RequestAttributes first; errors are Status bodies with the apiserver's wording.
import type { IncomingMessage, ServerResponse } from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { ApiError, type KObject, type LabUser, type RequestAttributes, type RequestContext, type RouteHandler, type Store, type WatchEvent } from './contract';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, KUBE_VERSION, openApiV3Doc, openApiV3Index } from './discovery';
import { badRequest, conflict, forbidden, internalError, methodNotSupported, notFound, unauthorized, unsupportedMediaType } from './errors';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, decodeJsonPatch } from './patch';
import { type IncludeObject, toTable } from './printers';
import { decodeProtobufObject, PROTOBUF_CONTENT_TYPE } from './protobuf';
import { nameFromFieldSelector } from './selectors';
import { readContainerLog } from '../../nodes/logs';
import { apiVersionOf, type TypeDef } from './types';

/** What kube.ts uses beyond the Store contract when the store is the MemStore. */
interface StoreExtras {
  currentResourceVersion?(): string;
  refreshSwitches?(): void;
  bindPod?(namespace: string, name: string, node: string): KObject;
}

const MAX_BODY = 3 * 1024 * 1024;
const PATCH_TYPES_BUILTIN = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];
const PATCH_TYPES_CUSTOM = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];
const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
export const LOG_ANNOTATION = 'lab.harbor-connect.io/log';

// ---------------- responses ----------------

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json') {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown) {
  if (res.headersSent) {
    res.end();
    return;
  }
  const e = err instanceof ApiError ? err : internalError((err as Error)?.message ?? String(err));
  if (!(err instanceof ApiError)) console.error('[apiserver] internal error:', err);
  sendJson(res, e.code, e.toStatus());
}

const PAGE_NOT_FOUND = 'the server could not find the requested resource';
const pageNotFound = () => new ApiError(404, 'NotFound', PAGE_NOT_FOUND, {});

/** One line per path the stand-in does not serve, so gaps in the lab are visible. */
export function logUnknownPath(ctx: Pick<RequestContext, 'labDir'>, method: string, pathname: string) {
  try {
    const dir = path.join(ctx.labDir, 'apiserver');
    fs.mkdirSync(dir, { recursive: true });
    fs.appendFileSync(path.join(dir, 'unknown-paths.log'), `${new Date().toISOString()} ${method} ${pathname}\n`);
  } catch {
    // Logging must never fail a request.
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseBody(buf: Buffer, contentType: string | undefined): any {
  if ((contentType ?? '').split(';')[0].trim() === PROTOBUF_CONTENT_TYPE) return decodeProtobufObject(buf);
  const text = buf.toString('utf8');
  if (!text.trim()) throw badRequest('Object \'Kind\' is missing in \'\'');
  const ct = (contentType ?? '').split(';')[0].trim();
  try {
    if (ct === 'application/yaml' || ct === 'application/apply-patch+yaml') return YAML.parse(text);
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

function wantsTable(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept.split(',').some((a) => /;\s*as=Table/.test(a) && /g=meta\.k8s\.io/.test(a));
}

// ---------------- request info ----------------

interface ResourceRequest {
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
  watch: boolean;
}

function parseResourcePath(parts: string[], query: URLSearchParams): ResourceRequest | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api') {
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  }
  let watch = query.get('watch') === 'true' || query.get('watch') === '1';
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !['status', 'finalize'].includes(rest[2])) rest = rest.slice(2);
  }
  if (rest.length === 0 || rest.length > 3) return undefined;
  return { group, version, namespace, resource: rest[0], name: rest[1], subresource: rest[2], watch };
}

function verbOf(method: string, r: ResourceRequest): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (r.watch) return 'watch';
      return r.name ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return r.name ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

/** responsewriters.forbiddenMessage for a resource request. */
function forbiddenMessage(user: LabUser, a: RequestAttributes): string {
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const where = a.namespace ? `in the namespace ${JSON.stringify(a.namespace)}` : 'at the cluster scope';
  return `User ${JSON.stringify(user.name)} cannot ${a.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(a.apiGroup)} ${where}`;
}

function authorize(ctx: RequestContext, a: RequestAttributes) {
  const user = ctx.user;
  if (!user) throw unauthorized();
  const d = ctx.authorizer.authorize(user, a);
  if (d.allowed) return;
  const msg = forbiddenMessage(user, a);
  throw forbidden({ group: a.apiGroup, resource: a.resource }, a.name, d.reason ? `${msg}: ${d.reason}` : msg);
}

// ---------------- the handler ----------------

const isAll = (v: string | null) => v === 'All';

export const kubeRoutes: RouteHandler = async (req, res, url, ctx) => {
  const p = url.pathname.replace(/\/+$/, '') || '/';
  const method = req.method ?? 'GET';
  if (p === '/version') {
    sendJson(res, 200, { ...KUBE_VERSION, kubernetes: KUBE_VERSION });
    return true;
  }
  if (/^\/(healthz|livez|readyz)(\/.*)?$/.test(p)) {
    const body = url.searchParams.has('verbose') ? `[+]ping ok\n[+]etcd ok\n${p.slice(1)} check passed\n` : 'ok';
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    res.end(body);
    return true;
  }
  const isApi = p === '/api' || p.startsWith('/api/') || p === '/apis' || p.startsWith('/apis/') || p.startsWith('/openapi/');
  if (!isApi) return false;
  try {
    if (!ctx.user) throw unauthorized();
    const store = ctx.store as Store & StoreExtras;
    store.refreshSwitches?.();
    const types = store.types() as TypeDef[];
    const parts = p.split('/').filter(Boolean);

    if (parts[0] === 'openapi') {
      if (parts[1] === 'v3' && parts.length === 2) return sendJson(res, 200, openApiV3Index(types)), true;
      if (parts[1] === 'v3') {
        const doc = openApiV3Doc(types, parts.slice(2).join('/'));
        if (doc) return sendJson(res, 200, doc), true;
      }
      throw pageNotFound();
    }
    // Discovery.
    if (p === '/api') return sendJson(res, 200, apiVersions(req.headers.host ?? '127.0.0.1')), true;
    if (p === '/apis') return sendJson(res, 200, apiGroupList(types)), true;
    if (parts[0] === 'apis' && parts.length === 2) {
      const g = apiGroup(types, parts[1]);
      if (!g) throw pageNotFound();
      return sendJson(res, 200, g), true;
    }
    if ((parts[0] === 'api' && parts.length === 2) || (parts[0] === 'apis' && parts.length === 3)) {
      const [group, version] = parts[0] === 'api' ? ['', parts[1]] : [parts[1], parts[2]];
      const list = apiResourceList(types, group, version);
      if (!list) throw pageNotFound();
      return sendJson(res, 200, list), true;
    }

    const r = parseResourcePath(parts, url.searchParams);
    const t = r && store.typeFor(r.group, r.resource) as TypeDef | undefined;
    if (!r || !t || t.version !== r.version || (t.enabled && !t.enabled())) throw pageNotFound();
    if (!t.namespaced && r.namespace && !(t.resource === 'namespaces')) throw pageNotFound();
    if (r.subresource && !(t.subresources ?? []).includes(r.subresource)) throw pageNotFound();
    const verb = verbOf(method, r);
    let authName = r.name;
    if ((verb === 'list' || verb === 'watch') && !authName) authName = nameFromFieldSelector(url.searchParams.get('fieldSelector') ?? undefined);
    // A namespace object is addressed inside itself: RequestInfo reports its name as the namespace.
    const nsForStore = t.namespaced ? r.namespace : undefined;
    const attrs: RequestAttributes = { verb, apiGroup: t.group, resource: t.resource, subresource: r.subresource, namespace: r.namespace, name: authName };
    if (!t.virtual) authorize(ctx, attrs);

    await serveResource(req, res, url, ctx, store, t, r, verb, nsForStore);
  } catch (e) {
    // A path the stand-in does not serve (not a missing object): record it so gaps in the lab are visible.
    if (e instanceof ApiError && e.code === 404 && e.message === PAGE_NOT_FOUND) logUnknownPath(ctx, method, p);
    sendError(res, e);
  }
  return true;
};

async function serveResource(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: RequestContext,
  store: Store & StoreExtras,
  t: TypeDef,
  r: ResourceRequest,
  verb: string,
  ns: string | undefined,
) {
  const q = url.searchParams;
  const dryRun = isAll(q.get('dryRun'));
  const name = r.name;

  if (t.virtual) return serveReview(req, res, ctx, t, verb);
  if (!t.verbs.includes(verb) && !r.subresource) throw methodNotSupported(t, verb);

  // ---- subresources ----
  if (r.subresource) {
    if (!name) throw pageNotFound();
    switch (r.subresource) {
      case 'log': {
        if (verb !== 'get') throw methodNotSupported(t, verb);
        const pod = store.get(t, ns, name) as any;
        if (!pod) throw notFound(t, name);
        const containers: string[] = (pod.spec?.containers ?? []).map((c: any) => c.name);
        const container = q.get('container') ?? (containers.length === 1 ? containers[0] : undefined);
        if (!container && containers.length > 1) {
          throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`);
        }
        if (container && !containers.includes(container) && !(pod.spec?.initContainers ?? []).some((c: any) => c.name === container)) {
          throw badRequest(`container ${container} is not valid for pod ${name}`);
        }
        const previous = q.get('previous') === 'true' || q.get('previous') === '1';
        const tail = Number(q.get('tailLines'));
        const tailLines = q.has('tailLines') && Number.isFinite(tail) && tail >= 0 ? tail : undefined;
        // As kubelet: the node's log files (<labDir>/nodes/<node>/var/log/pods/..., written by lab/nodes).
        const fromNode =
          pod.spec?.nodeName && container && pod.metadata?.uid
            ? readContainerLog(ctx.labDir, { nodeName: pod.spec.nodeName, namespace: pod.metadata.namespace, name, uid: pod.metadata.uid }, container, { previous, tailLines })
            : undefined;
        if (fromNode !== undefined) {
          res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(fromNode) });
          res.end(fromNode);
          return;
        }
        if (previous) throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
        // Fixtures without a node (seeded pods, API-only tests) may carry their text in an annotation.
        const ann = pod.metadata?.annotations ?? {};
        let text: string = ann[`${LOG_ANNOTATION}.${container}`] ?? ann[LOG_ANNOTATION] ?? '';
        if (tailLines !== undefined) {
          const lines = text.split('\n');
          const hadNl = text.endsWith('\n');
          const body = hadNl ? lines.slice(0, -1) : lines;
          text = body.slice(Math.max(0, body.length - tail)).join('\n') + (hadNl && tail > 0 ? '\n' : '');
        }
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
        res.end(text);
        return;
      }
      case 'binding': {
        if (verb !== 'create') throw methodNotSupported(t, verb);
        const body = parseBody(await readBody(req), req.headers['content-type']);
        const node = body?.target?.name;
        if (!node) throw new ApiError(422, 'Invalid', `Binding.meta.k8s.io "${name}" is invalid: target.name: Required value`);
        if (!store.bindPod) throw methodNotSupported(t, 'create');
        if (!dryRun) store.bindPod(ns!, body?.metadata?.name ?? name, node);
        return sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
      }
      case 'scale':
        return serveScale(req, res, store, t, verb, ns, name, dryRun);
      case 'finalize':
      case 'status': {
        const cur = store.get(t, ns, name);
        if (!cur) throw notFound(t, name);
        if (verb === 'get') return sendJson(res, 200, cur);
        if (verb === 'update') {
          const body = parseBody(await readBody(req), req.headers['content-type']);
          checkNames(body, t, ns, name);
          const out = store.update(t, withLocation(body, t, ns), { dryRun, subresource: r.subresource === 'status' ? 'status' : undefined });
          return sendJson(res, 200, out);
        }
        if (verb === 'patch' && r.subresource === 'status') {
          const patched = await applyPatchRequest(req, t, cur);
          checkNames(patched, t, ns, name);
          return sendJson(res, 200, store.update(t, patched, { dryRun, subresource: 'status' }));
        }
        throw methodNotSupported(t, verb);
      }
    }
    throw pageNotFound();
  }

  switch (verb) {
    case 'get': {
      const obj = store.get(t, ns, name!);
      if (!obj) throw notFound(t, name!);
      if (wantsTable(req)) return sendJson(res, 200, toTable(t, [obj], { resourceVersion: obj.metadata.resourceVersion, includeObject: includeObject(q) }), TABLE_CONTENT_TYPE);
      return sendJson(res, 200, obj);
    }
    case 'list': {
      const limit = q.has('limit') ? Number(q.get('limit')) : undefined;
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw badRequest(`invalid limit: ${q.get('limit')}`);
      const result = store.list(t, ns, {
        labelSelector: q.get('labelSelector') ?? undefined,
        fieldSelector: q.get('fieldSelector') ?? undefined,
        limit,
        continue: q.get('continue') ?? undefined,
      });
      if (wantsTable(req)) {
        return sendJson(res, 200, toTable(t, result.items, { resourceVersion: result.resourceVersion, continue: result.continue, remainingItemCount: result.remainingItemCount, includeObject: includeObject(q) }), TABLE_CONTENT_TYPE);
      }
      return sendJson(res, 200, listObject(t, result));
    }
    case 'watch':
      return serveWatch(req, res, store, t, ns, r.name, q);
    case 'create': {
      if (r.name) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
      const body = parseBody(await readBody(req), req.headers['content-type']);
      checkKind(body, t);
      if (t.namespaced && body?.metadata?.namespace && ns && body.metadata.namespace !== ns) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      if (t.namespaced && !ns && !body?.metadata?.namespace) throw pageNotFound();
      const out = store.create(t, withLocation(body, t, ns ?? body?.metadata?.namespace), { dryRun });
      return sendJson(res, 201, out);
    }
    case 'update': {
      if (!r.name) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
      const body = parseBody(await readBody(req), req.headers['content-type']);
      checkKind(body, t);
      checkNames(body, t, ns, r.name);
      const existed = Boolean(store.get(t, ns, r.name));
      const out = store.update(t, withLocation(body, t, ns), { dryRun });
      return sendJson(res, existed ? 200 : 201, out);
    }
    case 'patch': {
      if (!r.name) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
      const cur = store.get(t, ns, r.name);
      const ct = (req.headers['content-type'] ?? '').split(';')[0].trim();
      if (!cur) {
        if (ct === 'application/apply-patch+yaml') {
          const body = parseBody(await readBody(req), ct);
          checkNames(body, t, ns, r.name);
          return sendJson(res, 201, store.create(t, withLocation(body, t, ns), { dryRun }));
        }
        // Validate the patch type before answering 404, as the apiserver does.
        const allowed = t.smp ? PATCH_TYPES_BUILTIN : PATCH_TYPES_CUSTOM;
        if (!allowed.includes(ct)) throw unsupportedMediaType(allowed);
        throw notFound(t, r.name);
      }
      const patched = await applyPatchRequest(req, t, cur);
      checkNames(patched, t, ns, r.name);
      return sendJson(res, 200, store.update(t, patched, { dryRun }));
    }
    case 'delete': {
      const opts = await deleteOptions(req, q);
      const out = store.delete(t, ns, r.name!, { dryRun: opts.dryRun, preconditions: opts.preconditions });
      const still = !opts.dryRun && store.get(t, ns, r.name!);
      if (still || t.returnDeletedObject || opts.dryRun) return sendJson(res, 200, out);
      return sendJson(res, 200, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name: r.name, ...(t.group ? { group: t.group } : {}), kind: t.resource, uid: out.metadata.uid },
      });
    }
    case 'deletecollection': {
      const opts = await deleteOptions(req, q);
      const items = store.deleteCollection(t, ns, {
        labelSelector: q.get('labelSelector') ?? undefined,
        fieldSelector: q.get('fieldSelector') ?? undefined,
        dryRun: opts.dryRun,
      });
      return sendJson(res, 200, listObject(t, { items, resourceVersion: store.currentResourceVersion?.() ?? '' }));
    }
  }
  throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

function includeObject(q: URLSearchParams): IncludeObject | undefined {
  const v = q.get('includeObject');
  return v === 'None' || v === 'Metadata' || v === 'Object' ? v : undefined;
}

/** A typed list as the apiserver encodes it: built-in items carry no apiVersion/kind, custom resources do. */
function listObject(t: TypeDef, result: { items: KObject[]; resourceVersion: string; continue?: string; remainingItemCount?: number }) {
  return {
    kind: `${t.kind}List`,
    apiVersion: apiVersionOf(t),
    metadata: {
      resourceVersion: result.resourceVersion,
      ...(result.continue ? { continue: result.continue } : {}),
      ...(result.remainingItemCount !== undefined ? { remainingItemCount: result.remainingItemCount } : {}),
    },
    items: t.custom
      ? result.items
      : result.items.map((o) => {
          const { apiVersion: _a, kind: _k, ...rest } = o;
          return rest;
        }),
  };
}

function checkKind(body: any, t: TypeDef) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest("Object 'Kind' is missing in the request body");
  if (body.apiVersion && body.apiVersion !== apiVersionOf(t)) {
    throw badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${apiVersionOf(t)})`);
  }
}

function checkNames(body: any, t: TypeDef, ns: string | undefined, name: string) {
  const got = body?.metadata?.name;
  if (got !== undefined && got !== name) throw badRequest(`the name of the object (${got}) does not match the name on the URL (${name})`);
  if (t.namespaced && body?.metadata?.namespace && body.metadata.namespace !== ns) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  body.metadata ??= {};
  body.metadata.name = name;
}

function withLocation(body: any, t: TypeDef, ns: string | undefined): KObject {
  const o = { ...body, metadata: { ...(body?.metadata ?? {}) } };
  if (t.namespaced) o.metadata.namespace = ns;
  return o;
}

async function applyPatchRequest(req: IncomingMessage, t: TypeDef, cur: KObject): Promise<KObject> {
  const ct = (req.headers['content-type'] ?? '').split(';')[0].trim();
  const allowed = t.smp ? PATCH_TYPES_BUILTIN : PATCH_TYPES_CUSTOM;
  if (!allowed.includes(ct)) throw unsupportedMediaType(allowed);
  const patch = parseBody(await readBody(req), ct);
  switch (ct) {
    case 'application/json-patch+json':
      return applyJsonPatch(cur, decodeJsonPatch(patch));
    case 'application/merge-patch+json':
      return applyMergePatch(cur, patch);
    case 'application/strategic-merge-patch+json':
      return applyStrategicMergePatch(cur, patch, t.smp);
    case 'application/apply-patch+yaml':
      // Server-side apply, simplified: the applied configuration is merged like a strategic merge patch.
      return t.smp ? applyStrategicMergePatch(cur, patch, t.smp) : applyMergePatch(cur, patch);
  }
  throw unsupportedMediaType(allowed);
}

async function deleteOptions(req: IncomingMessage, q: URLSearchParams) {
  let body: any = {};
  const buf = await readBody(req);
  if (buf.length && buf.toString().trim()) {
    try {
      body = JSON.parse(buf.toString());
    } catch (e) {
      throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
    }
  }
  const dryRun = isAll(q.get('dryRun')) || (Array.isArray(body.dryRun) && body.dryRun.includes('All'));
  const policy = q.get('propagationPolicy') ?? body.propagationPolicy;
  if (policy && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    throw new ApiError(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan", "nil"`);
  }
  return { dryRun, preconditions: body.preconditions as { uid?: string; resourceVersion?: string } | undefined };
}

// ---------------- scale ----------------

function labelSelectorString(sel: any): string {
  return Object.entries(sel?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function scaleOf(obj: any): KObject {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: { replicas: obj.status?.replicas ?? 0, selector: labelSelectorString(obj.spec?.selector) },
  };
}

async function serveScale(req: IncomingMessage, res: ServerResponse, store: Store, t: TypeDef, verb: string, ns: string | undefined, name: string, dryRun: boolean) {
  const cur = store.get(t, ns, name) as any;
  if (!cur) throw notFound(t, name);
  if (verb === 'get') return sendJson(res, 200, scaleOf(cur));
  let scale: any;
  if (verb === 'update') scale = parseBody(await readBody(req), req.headers['content-type']);
  else if (verb === 'patch') {
    const ct = (req.headers['content-type'] ?? '').split(';')[0].trim();
    const patch = parseBody(await readBody(req), ct);
    const base = scaleOf(cur);
    scale = ct === 'application/json-patch+json' ? applyJsonPatch(base, decodeJsonPatch(patch)) : applyMergePatch(base, patch);
  } else throw methodNotSupported(t, verb);
  const replicas = scale?.spec?.replicas;
  if (typeof replicas !== 'number' || replicas < 0) {
    throw new ApiError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0`);
  }
  if (scale?.metadata?.resourceVersion && scale.metadata.resourceVersion !== cur.metadata.resourceVersion) {
    throw conflict(t, name, 'the object has been modified; please apply your changes to the latest version and try again');
  }
  const next = structuredClone(cur);
  next.spec.replicas = replicas;
  const out = store.update(t, next, { dryRun });
  return sendJson(res, 200, scaleOf(out));
}

// ---------------- watch ----------------

function serveWatch(req: IncomingMessage, res: ServerResponse, store: Store & StoreExtras, t: TypeDef, ns: string | undefined, name: string | undefined, q: URLSearchParams) {
  const asTable = wantsTable(req);
  const include = includeObject(q);
  let fieldSelector = q.get('fieldSelector') ?? undefined;
  if (name) fieldSelector = fieldSelector ? `${fieldSelector},metadata.name=${name}` : `metadata.name=${name}`;
  const labelSelector = q.get('labelSelector') ?? undefined;
  const sendInitial = q.get('sendInitialEvents') === 'true';
  const bookmarks = q.get('allowWatchBookmarks') === 'true';
  let resourceVersion = q.get('resourceVersion') ?? undefined;
  if (sendInitial) resourceVersion = undefined;

  // Selectors are checked before the response starts, so a bad one is a plain 400.
  store.list(t, ns, { labelSelector, fieldSelector, limit: 1 });

  res.writeHead(200, { 'Content-Type': asTable ? TABLE_CONTENT_TYPE : 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  let lastRV = store.currentResourceVersion?.() ?? '0';
  let first = true;
  let closed = false;
  const write = (e: WatchEvent | { type: string; object: unknown }) => {
    if (closed) return;
    let object = e.object as KObject;
    if (asTable && (e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED')) {
      object = toTable(t, [e.object as KObject], { resourceVersion: (e.object as KObject).metadata.resourceVersion, includeObject: include, noHeaders: !first });
      first = false;
    }
    if ((e.object as KObject)?.metadata?.resourceVersion) lastRV = (e.object as KObject).metadata.resourceVersion!;
    res.write(`${JSON.stringify({ type: e.type, object })}\n`);
  };
  const bookmark = (annotations?: Record<string, string>) =>
    write({
      type: 'BOOKMARK',
      object: { kind: t.kind, apiVersion: apiVersionOf(t), metadata: { resourceVersion: store.currentResourceVersion?.() ?? lastRV, ...(annotations ? { annotations } : {}) } },
    });

  let unsubscribe: (() => void) | undefined;
  const timers: NodeJS.Timeout[] = [];
  const finish = () => {
    if (closed) return;
    closed = true;
    unsubscribe?.();
    for (const tm of timers) clearTimeout(tm);
    res.end();
  };
  req.on('close', finish);
  res.on('close', finish);
  try {
    unsubscribe = store.watch(t, ns, { labelSelector, fieldSelector, resourceVersion }, write);
  } catch (e) {
    if (e instanceof ApiError) {
      write({ type: 'ERROR', object: e.toStatus() });
      finish();
      return;
    }
    throw e;
  }
  if (sendInitial && bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
  const timeout = Number(q.get('timeoutSeconds'));
  // The apiserver's default is a random 30-60 minutes; a lab does not need more than 30.
  timers.push(setTimeout(finish, (Number.isFinite(timeout) && timeout > 0 ? timeout : 1800) * 1000));
  if (bookmarks) {
    const tick = () => {
      bookmark();
      timers.push(setTimeout(tick, 60_000));
    };
    timers.push(setTimeout(tick, 60_000));
  }
}

// ---------------- access reviews ----------------

async function serveReview(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, t: TypeDef, verb: string) {
  if (verb !== 'create') throw methodNotSupported(t, verb);
  const body = parseBody(await readBody(req), req.headers['content-type']);
  const user = ctx.user!;
  const isMaster = user.groups.includes('system:masters');
  if (t.resource === 'selfsubjectaccessreviews') {
    const ra = body?.spec?.resourceAttributes;
    const nra = body?.spec?.nonResourceAttributes;
    if (!ra && !nra) {
      throw new ApiError(422, 'Invalid', 'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified', {
        kind: 'SelfSubjectAccessReview',
        group: 'authorization.k8s.io',
        causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified', field: 'spec.resourceAttributes' }],
      });
    }
    let decision: { allowed: boolean; reason?: string };
    if (ra) {
      decision = ctx.authorizer.authorize(user, {
        verb: ra.verb ?? '',
        apiGroup: ra.group ?? '',
        resource: ra.resource ?? '',
        subresource: ra.subresource || undefined,
        namespace: ra.namespace || undefined,
        name: ra.name || undefined,
      });
    } else {
      // Non-resource URLs: discovery and health are open to every authenticated user (system:discovery).
      const open = /^\/(api|apis|version|healthz|livez|readyz|openapi)(\/|$)/.test(nra.path ?? '') && (nra.verb ?? 'get') === 'get';
      decision = { allowed: isMaster || open };
    }
    const out = {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: body.spec,
      status: { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) },
    };
    return sendJson(res, 201, out);
  }
  // SelfSubjectRulesReview: the lab authorizer cannot enumerate rules except for system:masters.
  const out = {
    kind: 'SelfSubjectRulesReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: body?.spec ?? {},
    status: isMaster
      ? {
          resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
          nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
          incomplete: false,
        }
      : {
          resourceRules: [{ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] }],
          nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'] }],
          incomplete: true,
          evaluationError: 'the lab authorizer does not enumerate rules; ask with SelfSubjectAccessReview',
        },
  };
  return sendJson(res, 201, out);
}
