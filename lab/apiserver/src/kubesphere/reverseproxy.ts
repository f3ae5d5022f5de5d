// ks-apiserver's ReverseProxy filter (pkg/apiserver/filters/reverseproxy.go), for `/proxy/...`:
//  - the first stored extensions.kubesphere.io/v1alpha1 ReverseProxy whose spec.matcher matches (method or `*`;
//    path equal, or a `/*`-suffixed prefix) takes the request; status.state other than Available → 503;
//  - the upstream URL keeps the request path (then directives.stripPathPrefix / stripPathSuffix), the query,
//    and the headers (directives.headerUp: `-Name` removes, `+Name value` adds, `Name value` replaces;
//    directives.headerDown the same on the response);
//  - TLS: insecureSkipVerify, else spec.upstream.caBundle as the only roots. caBundle is a []byte field, so
//    JSON already base64-decodes it once, and the filter base64-decodes it AGAIN: supply base64(base64(PEM));
//  - the transport (and so its CA) is cached by the ReverseProxy's NAME and never evicted: changing the CA of
//    an existing ReverseProxy has no effect until ks-apiserver restarts; rotate by creating a new name.
//  - upstream failures: 502 {"ErrStatus":{…"message":"Error while proxying request: <Go error>"}}.
// A ReverseProxy without status is treated as Available (KubeSphere's controller sets it once accepted).
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { KObject, RequestContext } from '../contract';
import { GoError, goNetError, goVerify, tlsRequestOptions, type TlsPolicy } from './gotls';
import { KS_TYPES, ensureType } from './types';

interface ReverseProxySpec {
  matcher?: { path?: string; method?: string };
  upstream?: { url?: string; caBundle?: string; insecureSkipVerify?: boolean; service?: { name: string; namespace: string; port?: number } };
  directives?: {
    method?: string;
    stripPathPrefix?: string;
    stripPathSuffix?: string;
    headerUp?: string[];
    headerDown?: string[];
  };
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-authenticate'];

export function matches(matcher: ReverseProxySpec['matcher'], method: string, path: string): boolean {
  if (!matcher?.path) return false;
  if (matcher.method !== method && matcher.method !== '*') return false;
  if (matcher.path === path) return true;
  return matcher.path.endsWith('*') && path.startsWith(matcher.path.replace(/\*+$/, ''));
}

/**
 * spec.upstream.caBundle as ks-apiserver reads it: the JSON string is base64 of the []byte (decode 1), and the
 * filter runs base64.StdEncoding.DecodeString on those bytes (decode 2). Throws when either is not base64.
 */
export function decodeCaBundle(field: string): string {
  const once = strictBase64(field, 'caBundle');
  return strictBase64(once.toString('utf8'), 'caBundle bytes').toString('utf8');
}

function strictBase64(text: string, what: string): Buffer {
  const compact = text.replace(/[\r\n]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) throw new Error(`${what} is not standard base64`);
  return Buffer.from(compact, 'base64');
}

/** Header directive as the filter applies it. */
export function applyHeaderDirectives(headers: Record<string, string | string[] | undefined>, directives: string[] = []): void {
  const find = (name: string) => Object.keys(headers).filter(key => key.toLowerCase() === name.toLowerCase());
  for (const directive of directives) {
    if (directive.startsWith('-')) {
      const name = directive.slice(1);
      if (name.endsWith('*')) {
        // ks-apiserver's removeHeader compares with HasSuffix (sic): kept as it behaves.
        const part = name.slice(0, -1).toLowerCase();
        for (const key of Object.keys(headers)) if (key.toLowerCase().endsWith(part)) delete headers[key];
      } else for (const key of find(name)) delete headers[key];
      continue;
    }
    const add = directive.startsWith('+');
    const [name, ...rest] = (add ? directive.slice(1) : directive).split(' ');
    if (!name || rest.length === 0) continue;
    let value = rest.join(' ');
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    const existing = find(name);
    if (add && existing.length > 0) {
      const key = existing[0]!;
      const current = headers[key];
      headers[key] = [...(Array.isArray(current) ? current : current !== undefined ? [current] : []), value];
    } else {
      for (const key of existing) delete headers[key];
      headers[name.toLowerCase()] = value;
    }
  }
}

function statusError(code: number, reason: string, message: string, failure = true): string {
  return JSON.stringify({ ErrStatus: { metadata: {}, ...(failure ? { status: 'Failure' } : {}), message, reason, code } });
}

function writeJson(res: ServerResponse, code: number, body: string): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(body);
}

export class ReverseProxyFilter {
  /** name → TLS policy, never evicted (as ks-apiserver's sync.Map of round trippers). */
  private readonly transports = new Map<string, TlsPolicy>();

  /** Returns false when no ReverseProxy matches (the request goes on down the chain). */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL, ctx: RequestContext): Promise<boolean> {
    if (!url.pathname.startsWith('/proxy/')) return false;
    const type = ensureType(ctx.store, KS_TYPES.reverseproxies);
    const method = req.method ?? 'GET';
    const proxy = ctx.store.list(type, undefined).items.find(item => matches((item.spec as ReverseProxySpec | undefined)?.matcher, method, url.pathname));
    if (!proxy) return false;
    const state = (proxy.status as { state?: string } | undefined)?.state;
    if (state !== undefined && state !== 'Available') {
      // fmt.Errorf marshalled by WriteRawJSON: an error value has no exported fields.
      writeJson(res, 503, '{}');
      return true;
    }
    this.forward(proxy, req, res, url);
    return true;
  }

  private policyFor(proxy: KObject, spec: ReverseProxySpec): TlsPolicy {
    const name = proxy.metadata.name ?? '';
    const cached = this.transports.get(name);
    if (cached) return cached;
    const upstream = spec.upstream ?? {};
    const policy: TlsPolicy = { insecure: !!upstream.insecureSkipVerify };
    if (!upstream.insecureSkipVerify && upstream.caBundle) policy.ca = decodeCaBundle(upstream.caBundle);
    this.transports.set(name, policy);
    return policy;
  }

  private forward(proxy: KObject, req: IncomingMessage, res: ServerResponse, url: URL): void {
    const spec = (proxy.spec ?? {}) as ReverseProxySpec;
    const name = proxy.metadata.name ?? '';
    let endpoint: URL;
    try {
      endpoint = new URL(upstreamUrl(spec));
    } catch {
      writeJson(res, 503, statusError(503, 'ServiceUnavailable', `endpoint ${spec.upstream?.url ?? ''} is not available`));
      return;
    }
    let policy: TlsPolicy;
    try {
      policy = this.policyFor(proxy, spec);
    } catch {
      writeJson(res, 503, statusError(503, 'ServiceUnavailable', `failed to decode CA bundle from upstream ${name}`));
      return;
    }
    const directives = spec.directives ?? {};
    let path = url.pathname;
    if (directives.stripPathPrefix && path.startsWith(directives.stripPathPrefix)) path = path.slice(directives.stripPathPrefix.length);
    if (directives.stripPathSuffix && path.endsWith(directives.stripPathSuffix)) path = path.slice(0, -directives.stripPathSuffix.length);
    const target = new URL(endpoint.origin);
    target.pathname = path;
    target.search = url.search;

    const headers: Record<string, string | string[] | undefined> = { ...req.headers };
    for (const hop of HOP_BY_HOP) delete headers[hop];
    applyHeaderDirectives(headers, directives.headerUp);
    headers.host = target.host;

    const host = target.hostname.replace(/^\[|\]$/g, '');
    const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
    const options = { method: directives.method || req.method, headers: headers as OutgoingHttpHeaders, agent: false as const };
    const upstreamReq =
      target.protocol === 'https:' ? httpsRequest(target, { ...options, ...tlsRequestOptions(policy) }) : httpRequest(target, options);
    if (target.protocol === 'https:' && !policy.insecure) {
      upstreamReq.once('socket', socket =>
        socket.once('secureConnect', () => {
          const problem = goVerify(socket as TLSSocket, host);
          if (problem) upstreamReq.destroy(new GoError(problem));
        }),
      );
    }
    upstreamReq.once('error', error => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = `Error while proxying request: ${goNetError(error as NodeJS.ErrnoException, host, port)}`;
      writeJson(res, 502, statusError(502, 'Bad Gateway', message, false));
    });
    upstreamReq.once('response', upstreamRes => {
      const down: Record<string, string | string[] | undefined> = { ...upstreamRes.headers };
      for (const hop of HOP_BY_HOP) delete down[hop];
      applyHeaderDirectives(down, directives.headerDown);
      res.writeHead(upstreamRes.statusCode ?? 502, down as OutgoingHttpHeaders);
      upstreamRes.pipe(res);
    });
    req.pipe(upstreamReq);
  }
}

/** spec.upstream.url, or the in-cluster address of spec.upstream.service. */
function upstreamUrl(spec: ReverseProxySpec): string {
  const upstream = spec.upstream ?? {};
  if (upstream.url) return upstream.url;
  if (upstream.service) return `https://${upstream.service.name}.${upstream.service.namespace}.svc:${upstream.service.port ?? 443}`;
  throw new Error('no upstream');
}
