// POST /kapis/resources.kubesphere.io/v1alpha3/namespaces/{ns}/registrysecrets/{name}/verify, as ks-apiserver
// 4.1 answers it (pkg/kapis/resources/v1alpha3 VerifyImageRepositorySecret + pkg/models/registries/v2
// secretAuthenticator + go-containerregistry's transport ping):
//  - the body is a whole Secret; the path's namespace and name are not used;
//  - type must be kubernetes.io/dockerconfigjson; data['.dockerconfigjson'] is read; the first `auths` key is
//    parsed as a URL (Go's url.Parse) and its host is pinged at /v2/;
//  - TLS trusts the system roots only; `secret.kubesphere.io/force-insecure: "true"` skips verification;
//  - loopback / private / localhost hosts are also tried over plain http after https fails (ggcr's Scheme());
//  - success: 200 with the Secret echoed as JSON; failure: 401 with the error text (text/plain, HTML-escaped).
// Lab difference, on purpose: for a registry answering with a Basic challenge, ggcr does not send the
// credentials at all (a wrong password still verifies); the lab checks them with one GET /v2/, as the Bearer
// flow of a real Harbor does.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { GoError, goNetError, goVerify, tlsRequestOptions, type TlsPolicy } from './gotls';

const FORCE_INSECURE = 'secret.kubesphere.io/force-insecure';
const TIMEOUT_MS = 10_000;

interface SecretLike {
  type?: string;
  metadata?: { annotations?: Record<string, string> };
  data?: Record<string, string>;
}

interface Response {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface VerifyResult {
  ok: boolean;
  /** On failure: what ks-apiserver writes as the response body. */
  message?: string;
}

/** One GET with Go's verification order and Go's error words; rejects with a GoError (`Get "url": …`). */
export function goGet(url: string, policy: TlsPolicy, headers: Record<string, string> = {}): Promise<Response> {
  const target = new URL(url);
  const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
  const host = target.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => reject(new GoError(`Get "${url}": ${goNetError(error as NodeJS.ErrnoException, host, port)}`));
    const options = { method: 'GET', headers, timeout: TIMEOUT_MS, agent: false as const };
    const req =
      target.protocol === 'https:'
        ? httpsRequest(url, { ...options, ...tlsRequestOptions(policy) })
        : httpRequest(url, options);
    if (target.protocol === 'https:' && !policy.insecure) {
      req.once('socket', socket => {
        socket.once('secureConnect', () => {
          const problem = goVerify(socket as TLSSocket, host);
          if (problem) req.destroy(new GoError(problem));
        });
      });
    }
    req.once('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.once('error', fail);
    req.once('response', res => {
      const chunks: Buffer[] = [];
      res.on('data', chunk => chunks.push(chunk as Buffer));
      res.once('error', fail);
      res.once('end', () =>
        resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.end();
  });
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };

/** go-containerregistry transport.Error.Error() for an unexpected response. */
function ggcrError(method: string, url: string, res: Response): string {
  const prefix = `${method} ${url}: `;
  try {
    const parsed = JSON.parse(res.body) as { errors?: Array<{ code: string; message: string; detail?: unknown }> };
    const first = parsed.errors?.[0];
    if (parsed.errors && parsed.errors.length === 1 && first) {
      return `${prefix}${first.code}: ${first.message}${first.detail != null ? `; ${JSON.stringify(first.detail)}` : ''}`;
    }
  } catch {
    // not a registry error body
  }
  const text = STATUS_TEXT[res.status] ?? res.statusText;
  return `${prefix}unexpected status code ${res.status} ${text}${res.body ? `: ${res.body}` : ''}`;
}

/** ggcr's Registry.Scheme(): these hosts are also tried over http. */
function allowsHttp(host: string, forced: boolean): boolean {
  if (forced) return true;
  const name = host.replace(/:\d+$/, '');
  if (host.startsWith('localhost:')) return true;
  if (/^127\.\d+\.\d+\.\d+$/.test(name) || name === '::1' || name === '[::1]') return true;
  return /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(name);
}

/**
 * Go's url.Parse on an `auths` key, reduced to what secretAuthenticator uses: the scheme and the host.
 * A key without `scheme://` has no host (ggcr then defaults to index.docker.io, as ks-apiserver does);
 * `127.0.0.1:5443` is a parse error in Go.
 */
export function parseRegistryKey(key: string): { scheme: string; host: string } {
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(key);
  if (!schemeMatch) {
    if (/^[^/?#]*:/.test(key)) throw new GoError(`parse "${key}": first path segment in URL cannot contain colon`);
    return { scheme: '', host: '' };
  }
  const rest = key.slice(schemeMatch[0].length);
  if (!rest.startsWith('//')) return { scheme: schemeMatch[1]!.toLowerCase(), host: '' };
  const authority = rest.slice(2).split(/[/?#]/)[0] ?? '';
  return { scheme: schemeMatch[1]!.toLowerCase(), host: authority.replace(/^[^@]*@/, '') };
}

function parseChallenge(header: string | undefined): { scheme: string; params: Record<string, string> } {
  if (!header) return { scheme: '', params: {} };
  const [scheme = '', ...rest] = header.trim().split(/\s+/);
  const params: Record<string, string> = {};
  for (const match of rest.join(' ').matchAll(/(\w+)="([^"]*)"/g)) params[match[1]!.toLowerCase()] = match[2]!;
  return { scheme: scheme.toLowerCase(), params };
}

async function pingAndAuth(host: string, http: boolean, policy: TlsPolicy, auth: { username?: string; password?: string; auth?: string }): Promise<void> {
  const schemes = http ? ['https', 'http'] : ['https'];
  const errors: string[] = [];
  const basic =
    auth.username || auth.password
      ? Buffer.from(`${auth.username ?? ''}:${auth.password ?? ''}`).toString('base64')
      : auth.auth;
  for (const scheme of schemes) {
    const url = `${scheme}://${host}/v2/`;
    let res: Response;
    try {
      res = await goGet(url, policy);
    } catch (error) {
      errors.push((error as Error).message);
      continue;
    }
    if (res.status === 200) return; // anonymous registry
    if (res.status !== 401) {
      errors.push(ggcrError('GET', url, res));
      continue;
    }
    const challenge = parseChallenge(res.headers['www-authenticate'] as string | undefined);
    if (challenge.scheme === 'bearer' && challenge.params.realm) {
      const tokenUrl = new URL(challenge.params.realm);
      if (challenge.params.service) tokenUrl.searchParams.set('service', challenge.params.service);
      const tokenRes = await goGet(tokenUrl.toString(), policy, basic ? { authorization: `Basic ${basic}` } : {});
      if (tokenRes.status !== 200) throw new GoError(ggcrError('GET', tokenUrl.toString(), tokenRes));
      return;
    }
    const authed = await goGet(url, policy, basic ? { authorization: `Basic ${basic}` } : {});
    if (authed.status !== 200) throw new GoError(ggcrError('GET', url, authed));
    return;
  }
  throw new GoError(errors.join('; '));
}

/** The check itself; never throws. */
export async function verifyRegistrySecret(secret: SecretLike): Promise<VerifyResult> {
  try {
    if (secret.type !== 'kubernetes.io/dockerconfigjson') {
      return { ok: false, message: `expected secret type: kubernetes.io/dockerconfigjson, got: ${secret.type ?? ''}` };
    }
    const insecure = secret.metadata?.annotations?.[FORCE_INSECURE] === 'true';
    const encoded = secret.data?.['.dockerconfigjson'];
    if (encoded === undefined) return { ok: false, message: 'expected key .dockerconfigjson in data, found none' };
    let config: { auths?: Record<string, { username?: string; password?: string; auth?: string }> };
    try {
      config = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
    } catch (error) {
      return { ok: false, message: `invalid character in .dockerconfigjson: ${(error as Error).message}` };
    }
    const keys = Object.keys(config.auths ?? {});
    if (keys.length === 0) return { ok: false, message: 'not found valid auth in secret, {map[]}' };
    // Go ranges over a map in random order; with one entry (the usual case) that is "the first key".
    const key = keys[0]!;
    const { scheme, host } = parseRegistryKey(key);
    const registry = host || 'index.docker.io';
    await pingAndAuth(registry, allowsHttp(registry, scheme === 'http'), { insecure }, config.auths![key]!);
    return { ok: true };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/** k8s.io/apiserver's sanitizer for error text written as text/plain. */
export function sanitizeErrorText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
