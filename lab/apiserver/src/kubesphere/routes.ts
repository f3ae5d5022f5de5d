// The KubeSphere half of the API stand-in: what the console's server and browser call besides the Kubernetes
// REST surface (see shared/CONSOLE-HOST.md), answered in ks-apiserver's shapes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, type KObject, type LabUser, type RequestContext, type ResourceType, type RouteHandler } from '../contract';
import { CLUSTER_NAME, findAccount, LAB_ACCOUNTS, LAB_PASSWORD, WORKSPACE_LABEL, type LabAccount } from './accounts';
import {
  BUNDLE_LINK,
  clusterObject,
  configz,
  K8S_VERSION,
  KS_VERSION,
  recordLogin,
  userObject,
  workspaceObject,
} from './objects';
import { authorizeNonResource, forbiddenMessage } from './rbac';
import { ReverseProxyFilter } from './reverseproxy';
import {
  CLUSTER_ROLES,
  GLOBAL_ROLES,
  NAMESPACE_ROLES,
  ROLE_TEMPLATES,
  roleTemplateObject,
  templatesNamed,
  WORKSPACE_ROLES,
  type Scope,
} from './roletemplates';
import { tokenIssuer } from './tokens';
import { KS_TYPES, coreType, ensureType, listAll } from './types';
import { sanitizeErrorText, verifyRegistrySecret } from './verify';

const MAX_BODY = 4 * 1024 * 1024;

// ---------- small HTTP helpers ----------

function sendJson(res: ServerResponse, code: number, body: unknown): true {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
  return true;
}

function sendText(res: ServerResponse, code: number, text: string, type = 'text/plain; charset=utf-8'): true {
  res.writeHead(code, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
  return true;
}

function sendError(res: ServerResponse, error: ApiError): true {
  return sendJson(res, error.code, error.toStatus());
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ApiError(413, 'RequestEntityTooLarge', 'request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readJson<T>(req: IncomingMessage): Promise<T> {
  const text = await readBody(req);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(400, 'BadRequest', 'the request body is not valid JSON');
  }
}

const unauthorized = () => new ApiError(401, 'Unauthorized', 'Unauthorized');
const notFound = (what: string, name: string) => new ApiError(404, 'NotFound', `${what} "${name}" not found`, { name, kind: what });

function requireUser(ctx: RequestContext): LabUser {
  if (!ctx.user) throw unauthorized();
  return ctx.user;
}

function isAdmin(user: LabUser): boolean {
  return user.groups.includes('system:masters') || findAccount(user.name)?.globalRole === 'platform-admin';
}

function authorize(ctx: RequestContext, user: LabUser, verb: string, apiGroup: string, resource: string, namespace?: string, name?: string): void {
  const attributes = { verb, apiGroup, resource, namespace, name };
  const decision = ctx.authorizer.authorize(user, attributes);
  if (!decision.allowed) throw new ApiError(403, 'Forbidden', forbiddenMessage(user, attributes), { name, group: apiGroup, kind: resource });
}

// ---------- KubeSphere list semantics (resources.kubesphere.io/v1alpha3) ----------

/** `?page=&limit=&sortBy=&ascending=&name=` over items already filtered by selectors → `{items, totalItems}`. */
export function ksPage(items: KObject[], query: URLSearchParams): { items: KObject[]; totalItems: number } {
  let result = items;
  const name = query.get('name');
  if (name) result = result.filter(item => (item.metadata.name ?? '').includes(name));
  const sortBy = query.get('sortBy') ?? 'createTime';
  const ascending = query.get('ascending') === 'true';
  const key = (item: KObject): string =>
    sortBy === 'name' ? item.metadata.name ?? '' : item.metadata.creationTimestamp ?? '';
  result = [...result].sort((a, b) => {
    const order = key(a).localeCompare(key(b)) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
    return ascending ? order : -order;
  });
  const totalItems = result.length;
  const limit = Number(query.get('limit') ?? -1);
  const page = Math.max(1, Number(query.get('page') ?? 1));
  if (Number.isFinite(limit) && limit > 0) result = result.slice((page - 1) * limit, page * limit);
  return { items: result, totalItems };
}

function typeForResource(ctx: RequestContext, resource: string): ResourceType | undefined {
  const types = ctx.store.types().filter(type => type.resource === resource);
  // Prefer the core group, then the stable apps group, like the resources API's own getters.
  return types.find(type => type.group === '') ?? types.find(type => type.group === 'apps') ?? types[0];
}

/** The resources API reads `a|b` in labelSelector as "a OR b" (the console's node list asks for either role label). */
function listFromStore(ctx: RequestContext, type: ResourceType, namespace: string | undefined, query: URLSearchParams): KObject[] {
  const fieldSelector = query.get('fieldSelector') || undefined;
  const alternatives = (query.get('labelSelector') || '').split('|');
  const seen = new Map<string, KObject>();
  for (const labelSelector of alternatives) {
    for (const item of ctx.store.list(type, namespace, { labelSelector: labelSelector || undefined, fieldSelector }).items) {
      seen.set(`${item.metadata.namespace ?? ''}/${item.metadata.name}`, item);
    }
  }
  return [...seen.values()];
}

// ---------- tenancy ----------

function namespacesOf(ctx: RequestContext, workspace?: string): KObject[] {
  const type = coreType(ctx.store, 'namespaces');
  if (!type) return [];
  return ctx.store.list(type, undefined, workspace ? { labelSelector: `${WORKSPACE_LABEL}=${workspace}` } : {}).items;
}

function workspaceTemplates(ctx: RequestContext): KObject[] {
  return listAll(ctx.store, ensureType(ctx.store, KS_TYPES.workspacetemplates));
}

/** Workspaces a user belongs to (every one for platform admins). */
function visibleWorkspaces(ctx: RequestContext, user: LabUser): KObject[] {
  const all = workspaceTemplates(ctx);
  if (isAdmin(user)) return all;
  const account = findAccount(user.name);
  return all.filter(ws => !!account?.workspaces[ws.metadata.name ?? '']);
}

/** Projects of a workspace the user may see: all for platform/workspace admins, else their own. */
function visibleProjects(ctx: RequestContext, user: LabUser, workspace: string | undefined): KObject[] {
  const namespaces = namespacesOf(ctx, workspace).filter(ns => !!ns.metadata.labels?.[WORKSPACE_LABEL]);
  if (isAdmin(user)) return namespaces;
  const account = findAccount(user.name);
  if (!account) return [];
  return namespaces.filter(ns => {
    const ws = ns.metadata.labels?.[WORKSPACE_LABEL] ?? '';
    return account.workspaces[ws] === 'admin' || account.workspaces[ws] === 'viewer' || !!account.namespaces[ns.metadata.name ?? ''];
  });
}

function nodeCount(ctx: RequestContext): number {
  const type = coreType(ctx.store, 'nodes');
  return type ? ctx.store.list(type, undefined).items.length : 0;
}

// ---------- iam ----------

function accountOrThrow(name: string): LabAccount {
  const account = findAccount(name);
  if (!account) throw notFound('users.iam.kubesphere.io', name);
  return account;
}

/** ListRoleTemplateOfUser: the templates aggregated into the user's role at that scope. */
function roleTemplatesOfUser(account: LabAccount, scope: Scope | string, query: URLSearchParams): KObject[] {
  let names: string[] = [];
  switch (scope) {
    case 'global':
      names = GLOBAL_ROLES[account.globalRole].templateNames;
      break;
    case 'cluster':
      names = account.clusterRole ? CLUSTER_ROLES[account.clusterRole].templateNames : [];
      break;
    case 'workspace': {
      const role = account.workspaces[query.get('workspace') ?? ''];
      names = role ? WORKSPACE_ROLES[role].templateNames : [];
      break;
    }
    case 'namespace': {
      const role = account.namespaces[query.get('namespace') ?? ''];
      names = role ? NAMESPACE_ROLES[role].templateNames : [];
      break;
    }
    default:
      names = [];
  }
  return templatesNamed(names).map(roleTemplateObject);
}

function matchesLabelSelector(labels: Record<string, string> | undefined, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(',').every(term => {
    const clause = term.trim();
    if (!clause) return true;
    const notEq = /^([^!=]+)!=(.*)$/.exec(clause);
    if (notEq) return labels?.[notEq[1]!.trim()] !== notEq[2]!.trim();
    const eq = /^([^=]+)==?(.*)$/.exec(clause);
    if (eq) return labels?.[eq[1]!.trim()] === eq[2]!.trim();
    if (clause.startsWith('!')) return labels?.[clause.slice(1)] === undefined;
    return labels?.[clause] !== undefined;
  });
}

function globalRoleObjects(): KObject[] {
  return Object.values(GLOBAL_ROLES).map(role => ({
    apiVersion: 'iam.kubesphere.io/v1beta1',
    kind: 'GlobalRole',
    metadata: {
      name: role.name,
      creationTimestamp: '2024-06-01T00:00:00Z',
      annotations: {
        'kubesphere.io/creator': 'admin',
        'kubesphere.io/description': JSON.stringify({
          en: role.name === 'platform-admin' ? 'Manage all resources on the KubeSphere platform.' : 'Cannot access any resources before joining a workspace.',
        }),
      },
    },
    aggregationRoleTemplates: { templateNames: role.templateNames },
    rules: role.rules,
  }));
}

// ---------- the routes ----------

const bundlePath = (ctx: RequestContext) => join(ctx.repoRoot, 'dist', 'index.js');

async function serveBundle(res: ServerResponse, ctx: RequestContext): Promise<true> {
  try {
    const code = await readFile(bundlePath(ctx));
    res.writeHead(200, { 'content-type': 'application/javascript; charset=utf-8', 'cache-control': 'no-store', 'content-length': code.length });
    res.end(code);
    return true;
  } catch {
    return sendText(res, 404, `harbor-connect bundle not built: ${bundlePath(ctx)} does not exist. Run \`npm run build\` in the repository.\n`);
  }
}

async function oauthToken(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<true> {
  const body = new URLSearchParams(await readBody(req));
  const issuer = tokenIssuer(ctx.labDir);
  const grant = body.get('grant_type') ?? 'password';
  const invalid = (description: string) => sendJson(res, 400, { error: 'invalid_grant', error_description: description });
  if (grant === 'password') {
    const username = body.get('username') ?? '';
    // KubeSphere accepts the e-mail address as the login name too.
    const account = findAccount(username) ?? LAB_ACCOUNTS.find(candidate => candidate.email === username);
    if (!account || body.get('password') !== LAB_PASSWORD) return invalid('incorrect username or password');
    recordLogin(account.name);
    return sendJson(res, 200, issuer.issuePair(account.name));
  }
  if (grant === 'refresh_token') {
    const claims = issuer.verify(body.get('refresh_token') ?? '', 'refresh_token');
    if (!claims || !findAccount(claims.username)) return invalid('invalid refresh token');
    return sendJson(res, 200, issuer.issuePair(claims.username));
  }
  return sendJson(res, 400, { error: 'unsupported_grant_type', error_description: `grant type ${grant} is not supported` });
}

const reverseProxy = new ReverseProxyFilter();

type Handler = (m: RegExpExecArray, req: IncomingMessage, res: ServerResponse, url: URL, ctx: RequestContext) => Promise<boolean> | boolean;
interface Route {
  method: string | string[];
  pattern: RegExp;
  handler: Handler;
}

const T = 'tenant.kubesphere.io/v(?:1alpha2|1alpha3|1beta1)';
const IAM = 'iam.kubesphere.io/v1beta1';
const R3 = 'resources.kubesphere.io/v1alpha3';

const routes: Route[] = [
  // ----- anonymous -----
  { method: 'POST', pattern: /^\/oauth\/token$/, handler: (_m, req, res, _u, ctx) => oauthToken(req, res, ctx) },
  { method: ['GET', 'POST'], pattern: /^\/oauth\/logout$/, handler: (_m, _q, res) => sendJson(res, 200, {}) },
  { method: 'GET', pattern: new RegExp(`^${BUNDLE_LINK.replace(/\./g, '\\.')}$`), handler: (_m, _q, res, _u, ctx) => serveBundle(res, ctx) },
  { method: 'GET', pattern: /^\/kapis\/config\.kubesphere\.io\/v1alpha2\/configs\/theme$/, handler: (_m, _q, res) => sendJson(res, 200, {}) },
  { method: 'GET', pattern: /^\/kapis\/config\.kubesphere\.io\/v1alpha2\/configs\/oauth$/, handler: (_m, _q, res) => sendJson(res, 200, { identityProviders: [] }) },
  {
    method: 'GET',
    pattern: /^\/version\/?$/,
    handler: (_m, _q, res) =>
      sendJson(res, 200, { gitVersion: KS_VERSION, gitCommit: 'lab', gitTreeState: 'clean', buildDate: '2024-06-01T00:00:00Z', kubernetes: { gitVersion: K8S_VERSION, major: '1', minor: '30', platform: 'linux/amd64' } }),
  },
  { method: 'GET', pattern: /^\/kapis\/version$/, handler: (_m, _q, res) => sendJson(res, 200, { gitVersion: KS_VERSION, gitCommit: 'lab', gitTreeState: 'clean', buildDate: '2024-06-01T00:00:00Z' }) },

  // ----- config -----
  // ks-apiserver exempts /kapis/config.kubesphere.io/* from authorization (the login page reads configz too).
  { method: 'GET', pattern: /^\/kapis\/config\.kubesphere\.io\/v1alpha2\/configs\/configz$/, handler: (_m, _q, res) => sendJson(res, 200, configz()) },
  { method: 'GET', pattern: /^\/kapis\/config\.kubesphere\.io\/v1alpha2\/configs\/gpu\/kinds$/, handler: (_m, _q, res) => sendJson(res, 200, []) },
  { method: 'GET', pattern: /^\/kapis\/config\.kubesphere\.io\/v1alpha2\/configs\/[\w-]+$/, handler: (_m, _q, res) => sendJson(res, 200, {}) },
  {
    method: 'GET',
    pattern: /^\/apis\/installer\.kubesphere\.io\/v1alpha1\/clusterconfigurations$/,
    handler: (_m, _q, res) => sendJson(res, 200, { apiVersion: 'installer.kubesphere.io/v1alpha1', kind: 'ClusterConfigurationList', metadata: {}, items: [] }),
  },

  // ----- iam -----
  {
    method: 'GET',
    pattern: new RegExp(`^/kapis/${IAM}/users/([^/]+)/roletemplates$`),
    handler: (m, _q, res, url, ctx) => {
      const user = requireUser(ctx);
      const name = decodeURIComponent(m[1]!);
      if (user.name !== name && !isAdmin(user)) throw new ApiError(403, 'Forbidden', `users.iam.kubesphere.io "${name}" is forbidden: not allow to get users`);
      const items = roleTemplatesOfUser(accountOrThrow(name), url.searchParams.get('scope') ?? '', url.searchParams);
      return sendJson(res, 200, { items, totalItems: items.length });
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/kapis/${IAM}/users/([^/]+)$`),
    handler: (m, _q, res, _u, ctx) => {
      const user = requireUser(ctx);
      const name = decodeURIComponent(m[1]!);
      if (user.name !== name) authorize(ctx, user, 'get', 'iam.kubesphere.io', 'users', undefined, name);
      const account = accountOrThrow(name);
      // The stored User carries what users changed (spec.lang: the console's language comes from it);
      // status (last login) is the lab's own.
      const stored = ctx.store.get(ensureType(ctx.store, KS_TYPES.users), undefined, name);
      const object = userObject(account);
      if (stored) object.spec = { ...(object.spec as object), ...((stored.spec as object | undefined) ?? {}) };
      return sendJson(res, 200, object);
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/kapis/${IAM}/users$`),
    handler: (_m, _q, res, url, ctx) => {
      requireUser(ctx);
      return sendJson(res, 200, ksPage(LAB_ACCOUNTS.map(userObject), url.searchParams));
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/kapis/${IAM}/globalroles$`),
    handler: (_m, _q, res, url, ctx) => {
      const user = requireUser(ctx);
      authorize(ctx, user, 'list', 'iam.kubesphere.io', 'globalroles');
      return sendJson(res, 200, ksPage(globalRoleObjects(), url.searchParams));
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/kapis/${IAM}/roletemplates$`),
    handler: (_m, _q, res, url, ctx) => {
      requireUser(ctx);
      const selector = url.searchParams.get('labelSelector');
      const items = ROLE_TEMPLATES.map(roleTemplateObject).filter(item => matchesLabelSelector(item.metadata.labels, selector));
      return sendJson(res, 200, { items, totalItems: items.length });
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/kapis/${IAM}/workspaces/([^/]+)/workspacemembers$`),
    handler: (m, _q, res, url, ctx) => {
      requireUser(ctx);
      const ws = m[1]!;
      const items = LAB_ACCOUNTS.filter(account => account.workspaces[ws]).map(account => {
        const object = userObject(account);
        object.metadata.annotations = { ...object.metadata.annotations, 'iam.kubesphere.io/workspacerole': `${ws}-${account.workspaces[ws]}` };
        return object;
      });
      return sendJson(res, 200, ksPage(items, url.searchParams));
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/kapis/${IAM}/namespaces/([^/]+)/namespacemembers$`),
    handler: (m, _q, res, url, ctx) => {
      requireUser(ctx);
      const ns = m[1]!;
      const items = LAB_ACCOUNTS.filter(account => account.namespaces[ns]).map(account => {
        const object = userObject(account);
        object.metadata.annotations = { ...object.metadata.annotations, 'iam.kubesphere.io/role': account.namespaces[ns]! };
        return object;
      });
      return sendJson(res, 200, ksPage(items, url.searchParams));
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/kapis/${IAM}/subjectaccessreviews$`),
    handler: async (_m, req, res, _u, ctx) => {
      requireUser(ctx);
      const review = await readJson<{ spec?: { user?: string; groups?: string[]; resourceAttributes?: Record<string, string> } }>(req);
      const spec = review.spec ?? {};
      const subject: LabUser = { name: spec.user ?? '', groups: spec.groups ?? ['system:authenticated'] };
      const attrs = spec.resourceAttributes ?? {};
      const decision = ctx.authorizer.authorize(subject, {
        verb: attrs.verb ?? '',
        apiGroup: attrs.group ?? '',
        resource: attrs.resource ?? '',
        subresource: attrs.subresource,
        namespace: attrs.namespace,
        name: attrs.name,
      });
      return sendJson(res, 200, { ...review, status: { allowed: decision.allowed, reason: decision.reason ?? '' } });
    },
  },

  {
    // Role lists of each scope: the built-in roles, with their aggregated templates.
    method: 'GET',
    pattern: new RegExp(`^/kapis/${IAM}/(?:(namespaces|workspaces)/([^/]+)/)?(roles|workspaceroles|clusterroles)$`),
    handler: (m, _q, res, url, ctx) => {
      requireUser(ctx);
      const kind = m[3] === 'roles' ? 'Role' : m[3] === 'workspaceroles' ? 'WorkspaceRole' : 'ClusterRole';
      const table = m[3] === 'roles' ? NAMESPACE_ROLES : m[3] === 'workspaceroles' ? WORKSPACE_ROLES : CLUSTER_ROLES;
      const items: KObject[] = Object.values(table).map(role => ({
        apiVersion: 'iam.kubesphere.io/v1beta1',
        kind,
        metadata: {
          name: m[3] === 'workspaceroles' ? `${m[2]}-${role.name}` : role.name,
          ...(m[1] === 'namespaces' ? { namespace: m[2] } : {}),
          creationTimestamp: '2024-06-01T00:00:00Z',
          labels: (m[3] === 'workspaceroles' ? { 'kubesphere.io/workspace': m[2]! } : {}) as Record<string, string>,
          annotations: { 'kubesphere.io/creator': 'system', 'iam.kubesphere.io/auto-aggregate': 'true' },
        },
        aggregationRoleTemplates: { templateNames: role.templateNames },
        rules: role.rules,
      }));
      // `annotation=kubesphere.io/creator` asks for roles a user created: the lab has only built-in ones.
      return sendJson(res, 200, ksPage(url.searchParams.has('annotation') ? [] : items, url.searchParams));
    },
  },
  // ----- tenant -----
  {
    method: 'GET',
    pattern: new RegExp(`^/kapis/${T}/workspacetemplates$`),
    handler: (_m, _q, res, url, ctx) => sendJson(res, 200, ksPage(visibleWorkspaces(ctx, requireUser(ctx)), url.searchParams)),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/kapis/${T}/workspaces$`),
    handler: (_m, _q, res, url, ctx) => sendJson(res, 200, ksPage(visibleWorkspaces(ctx, requireUser(ctx)).map(workspaceObject), url.searchParams)),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/kapis/${T}/(workspacetemplates|workspaces)/([^/]+)$`),
    handler: (m, _q, res, _u, ctx) => {
      const workspace = visibleWorkspaces(ctx, requireUser(ctx)).find(ws => ws.metadata.name === m[2]);
      if (!workspace) throw notFound(`${m[1]}.tenant.kubesphere.io`, m[2]!);
      return sendJson(res, 200, m[1] === 'workspaces' ? workspaceObject(workspace) : workspace);
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/kapis/${T}/clusters$`),
    handler: (_m, _q, res, url, ctx) => (requireUser(ctx), sendJson(res, 200, ksPage([clusterObject(nodeCount(ctx))], url.searchParams))),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/kapis/${T}/workspaces/([^/]+)/clusters$`),
    handler: (_m, _q, res, url, ctx) => (requireUser(ctx), sendJson(res, 200, ksPage([clusterObject(nodeCount(ctx))], url.searchParams))),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/kapis/${T}/workspaces/([^/]+)(?:/clusters/[^/]+)?/namespaces$`),
    handler: (m, _q, res, url, ctx) => sendJson(res, 200, ksPage(visibleProjects(ctx, requireUser(ctx), m[1]!), url.searchParams)),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/kapis/${T}/workspaces/([^/]+)(?:/clusters/[^/]+)?/namespaces/([^/]+)$`),
    handler: (m, _q, res, _u, ctx) => {
      const ns = visibleProjects(ctx, requireUser(ctx), m[1]!).find(item => item.metadata.name === m[2]);
      if (!ns) throw notFound('namespaces', m[2]!);
      return sendJson(res, 200, ns);
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/kapis/${T}/namespaces$`),
    handler: (_m, _q, res, url, ctx) => sendJson(res, 200, ksPage(visibleProjects(ctx, requireUser(ctx), undefined), url.searchParams)),
  },

  // ----- metrics and monitoring: no monitoring stack in the lab -----
  {
    // The platform dashboard's counters (Prometheus vector shape, value[1] is read).
    method: 'GET',
    pattern: new RegExp(`^/kapis/${T}/metrics$`),
    handler: (_m, _q, res, url, ctx) => {
      const user = requireUser(ctx);
      const at = Math.floor(Date.now() / 1000);
      const counts: Record<string, number> = {
        platform_workspace_count: visibleWorkspaces(ctx, user).length,
        platform_cluster_count: 1,
        platform_user_count: LAB_ACCOUNTS.length,
        platform_installplan_count: 1,
      };
      const wanted = url.searchParams.get('metrics_filter');
      const names = Object.keys(counts).filter(name => !wanted || new RegExp(`^(?:${wanted})$`).test(name));
      return sendJson(res, 200, {
        results: names.map(name => ({ metric_name: name, data: { resultType: 'vector', result: [{ metric: {}, value: [at, String(counts[name])] }] } })),
      });
    },
  },
  { method: 'GET', pattern: /^\/kapis\/monitoring\.kubesphere\.io\/v1alpha[0-9]+\/.*$/, handler: (_m, _q, res) => sendJson(res, 200, { results: [] }) },
  // Cluster, workspace and project usage charts: empty results (the console shows no data).
  {
    method: 'GET',
    pattern: new RegExp(`^/kapis/(?:resources\\.kubesphere\\.io/v1alpha[23]|${T})(?:/(?:workspaces|namespaces)/[^/]+)?/metrics$`),
    handler: (_m, _q, res) => sendJson(res, 200, { results: [] }),
  },
  { method: 'GET', pattern: /^\/kapis\/resources\.kubesphere\.io\/v1alpha2\/componenthealth$/, handler: (_m, _q, res) => sendJson(res, 200, { kubesphereStatus: [], nodeStatus: { totalNodes: 0, healthyNodes: 0 } }) },
  { method: 'GET', pattern: /^\/kapis\/resources\.kubesphere\.io\/v1alpha2\/(?:namespaces\/[^/]+\/)?quotas$/, handler: (_m, _q, res) => sendJson(res, 200, { namespace: '', data: { hard: {}, used: {} } }) },
  { method: 'GET', pattern: /^\/kapis\/resources\.kubesphere\.io\/v1alpha2\/namespaces\/[^/]+\/abnormalworkloads$/, handler: (_m, _q, res) => sendJson(res, 200, { data: {} }) },
  // ----- resources.kubesphere.io -----
  {
    method: 'POST',
    pattern: new RegExp(`^/kapis/${R3}/namespaces/([^/]+)/registrysecrets/([^/]+)/verify$`),
    handler: async (m, req, res, _u, ctx) => {
      const user = requireUser(ctx);
      // ks-apiserver authorizes this as `create registrysecrets` in the path's namespace.
      authorize(ctx, user, 'create', 'resources.kubesphere.io', 'registrysecrets', m[1]!, m[2]!);
      const secret = await readJson<Record<string, unknown>>(req);
      const result = await verifyRegistrySecret(secret);
      if (result.ok) return sendJson(res, 200, secret);
      return sendText(res, 401, `${sanitizeErrorText(result.message ?? '')}\n`);
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/kapis/${R3}/(clusters)$`),
    handler: (_m, _q, res, url, ctx) => {
      authorize(ctx, requireUser(ctx), 'list', 'resources.kubesphere.io', 'clusters');
      return sendJson(res, 200, ksPage([clusterObject(nodeCount(ctx))], url.searchParams));
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/kapis/${R3}/workspaces/([^/]+)$`),
    handler: (m, _q, res, _u, ctx) => {
      const workspace = visibleWorkspaces(ctx, requireUser(ctx)).find(ws => ws.metadata.name === m[1]);
      if (!workspace) throw notFound('workspaces.tenant.kubesphere.io', m[1]!);
      return sendJson(res, 200, workspaceObject(workspace));
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/kapis/${R3}/namespaces/([^/]+)/([a-z0-9.-]+)$`),
    handler: (m, _q, res, url, ctx) => resourceList(m[2]!, m[1]!, res, url, ctx),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/kapis/${R3}/namespaces/([^/]+)/([a-z0-9.-]+)/([^/]+)$`),
    handler: (m, _q, res, _u, ctx) => {
      const type = typeForResource(ctx, m[2]!);
      if (!type) return false;
      authorize(ctx, requireUser(ctx), 'get', 'resources.kubesphere.io', m[2]!, m[1]!, m[3]!);
      const object = ctx.store.get(type, m[1]!, m[3]!);
      if (!object) throw notFound(m[2]!, m[3]!);
      return sendJson(res, 200, object);
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/kapis/${R3}/([a-z0-9.-]+)$`),
    handler: (m, _q, res, url, ctx) => resourceList(m[1]!, undefined, res, url, ctx),
  },

];

async function resourceList(resource: string, namespace: string | undefined, res: ServerResponse, url: URL, ctx: RequestContext): Promise<boolean> {
  const type = typeForResource(ctx, resource);
  if (!type) return false;
  const user = requireUser(ctx);
  authorize(ctx, user, 'list', 'resources.kubesphere.io', resource, namespace);
  return sendJson(res, 200, ksPage(listFromStore(ctx, type, type.namespaced ? namespace : undefined, url.searchParams), url.searchParams));
}

/**
 * Handles what it knows and returns true; returns false for anything else (server.ts logs it as unknown).
 * A `/clusters/{cluster}` prefix (the console adds it for cluster pages) is stripped from `url` and `req.url`
 * first, so the Kubernetes routes after this one see the plain path too.
 */
export const kubesphereRoutes: RouteHandler = async (req, res, url, ctx) => {
  const prefixed = /^\/clusters\/([^/]+)(\/.*)$/.exec(url.pathname);
  if (prefixed && /^\/(k?apis?|proxy)(\/|$)/.test(prefixed[2]!)) {
    if (prefixed[1] !== CLUSTER_NAME) return sendError(res, notFound('clusters.cluster.kubesphere.io', prefixed[1]!));
    url.pathname = prefixed[2]!;
    req.url = `${prefixed[2]}${url.search}`;
  }
  const method = req.method ?? 'GET';
  try {
    if (url.pathname.startsWith('/proxy/')) {
      const user = requireUser(ctx);
      const decision = authorizeNonResource(ctx.store, user, method, url.pathname);
      if (!decision.allowed) throw new ApiError(403, 'Forbidden', `forbidden: ${decision.reason}`);
      return await reverseProxy.handle(req, res, url, ctx);
    }
    for (const route of routes) {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (!methods.includes(method)) continue;
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      return await route.handler(match, req, res, url, ctx);
    }
    return false;
  } catch (error) {
    if (error instanceof ApiError) return sendError(res, error);
    throw error;
  }
};
