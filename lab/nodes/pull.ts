// Image pulls as a node makes them: with Debian's containerd (ctr, one namespace per node, the node's certs.d),
// or, where containerd is not installed, an in-process emulation that reports containerd's wording.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { connect, type PeerCertificate } from 'node:tls';
import type { RunningContainerd } from './containerd';
import { prepareHostsDir } from './hostsdir';
import type { ImageReference } from './reference';

export interface NodeHandle {
  name: string;
  /** The node's host root: <labDir>/nodes/<name>; its etc/containerd/certs.d is what containerd reads. */
  root: string;
}

export interface PulledImage {
  /** CRI image id: the config digest. */
  imageId: string;
  /** repository@sha256:<manifest digest>, what kubelet shows as containerStatus.imageID. */
  repoDigest: string;
  size: number;
}

export type PullOutcome =
  | ({ ok: true } & PulledImage)
  | {
      ok: false;
      /** containerd's own error text, e.g. `failed to resolve reference "…": …` (ctr's "ctr: " prefix removed). */
      containerdText: string;
    };

export interface Credentials {
  username: string;
  password: string;
}

export interface ImageStore {
  mode: 'containerd' | 'emulated';
  pull(node: NodeHandle, ref: ImageReference, auth?: Credentials): Promise<PullOutcome>;
  present(node: NodeHandle, ref: ImageReference): Promise<PulledImage | undefined>;
  remove(node: NodeHandle, ref: ImageReference): Promise<void>;
  list(node: NodeHandle): Promise<string[]>;
  /** Another name for a present image (ctr images tag), e.g. to pre-load an image under its Docker Hub name. */
  tag(node: NodeHandle, from: ImageReference, to: ImageReference): Promise<boolean>;
}

export function certsDirOf(node: NodeHandle): string {
  return join(node.root, 'etc', 'containerd', 'certs.d');
}

/** Paths in messages as the node sees them (/etc/containerd/certs.d/…), not the lab's folder. */
function nodeView(node: NodeHandle, text: string): string {
  return text.split(node.root).join('');
}

function lastCtrError(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const err = [...lines].reverse().find((l) => l.startsWith('ctr: '));
  return (err ?? lines[lines.length - 1] ?? 'ctr failed without a message').replace(/^ctr: /, '');
}

export class CtrImageStore implements ImageStore {
  readonly mode = 'containerd' as const;
  constructor(
    private readonly containerd: RunningContainerd,
    private readonly scratchRoot: string,
  ) {}

  async pull(node: NodeHandle, ref: ImageReference, auth?: Credentials): Promise<PullOutcome> {
    const prepared = prepareHostsDir(certsDirOf(node), ref.domain, this.scratchRoot);
    try {
      const args = ['images', 'pull', '--hosts-dir', prepared.hostsDir, '--snapshotter', this.containerd.snapshotter];
      // ctr splits --user at the first ':' (a robot name's '$' and '+' need no escaping: no shell is involved).
      if (auth && (auth.username || auth.password)) args.push('--user', `${auth.username}:${auth.password}`);
      args.push(ref.normalized);
      const res = await this.containerd.ctr(node.name, args, { timeoutMs: 300_000 });
      if (res.code !== 0) return { ok: false, containerdText: nodeView(node, prepared.mapMessage(lastCtrError(res.stderr))) };
      const pulled = await this.present(node, ref);
      if (!pulled) return { ok: false, containerdText: `${ref.normalized}: not found after pull` };
      return { ok: true, ...pulled };
    } finally {
      prepared.cleanup();
    }
  }

  async list(node: NodeHandle): Promise<string[]> {
    const res = await this.containerd.ctr(node.name, ['images', 'ls', '-q']);
    return res.code === 0 ? res.stdout.split('\n').map((l) => l.trim()).filter(Boolean) : [];
  }

  async present(node: NodeHandle, ref: ImageReference): Promise<PulledImage | undefined> {
    const res = await this.containerd.ctr(node.name, ['images', 'ls', `name==${ref.normalized}`]);
    if (res.code !== 0) return undefined;
    const row = res.stdout.split('\n').slice(1).map((l) => l.trim().split(/\s+/)).find((cols) => cols[0] === ref.normalized);
    if (!row) return undefined;
    const digest = row[2];
    const manifest = await this.json(node, digest);
    let config = (manifest as { config?: { digest?: string } }).config?.digest;
    let layers = (manifest as { layers?: Array<{ size?: number }> }).layers ?? [];
    const manifests = (manifest as { manifests?: Array<{ digest: string; platform?: { os?: string; architecture?: string } }> }).manifests;
    if (!config && manifests) {
      const arch = process.arch === 'x64' ? 'amd64' : process.arch;
      const pick = manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === arch) ?? manifests[0];
      const inner = pick ? await this.json(node, pick.digest) : {};
      config = (inner as { config?: { digest?: string } }).config?.digest;
      layers = (inner as { layers?: Array<{ size?: number }> }).layers ?? [];
    }
    return {
      imageId: config ?? digest,
      repoDigest: `${ref.repository}@${digest}`,
      size: layers.reduce((n, l) => n + (l.size ?? 0), 0),
    };
  }

  async remove(node: NodeHandle, ref: ImageReference): Promise<void> {
    await this.containerd.ctr(node.name, ['images', 'rm', ref.normalized]);
  }

  async tag(node: NodeHandle, from: ImageReference, to: ImageReference): Promise<boolean> {
    const res = await this.containerd.ctr(node.name, ['images', 'tag', '--force', from.normalized, to.normalized]);
    return res.code === 0;
  }

  private async json(node: NodeHandle, digest: string): Promise<unknown> {
    const res = await this.containerd.ctr(node.name, ['content', 'get', digest]);
    try {
      return JSON.parse(res.stdout);
    } catch {
      return {};
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Emulation: the same protocol containerd speaks (HEAD manifest, auth challenge, GET manifest and blobs), with Go's
// x509 wording. Used only where containerd is missing; kubelet events then say "(emulated)".

const ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  '*/*',
].join(', ');

interface TrustConfig {
  ca: Buffer[];
  clientPairs: Array<{ cert: Buffer; key: Buffer }>;
  skipVerify: boolean;
}

/** The trust containerd would use for this host from the node's certs.d (hosts.toml `ca`, else *.crt files). */
function trustFor(node: NodeHandle, hostport: string): TrustConfig {
  const dir = prepareHostsDir(certsDirOf(node), hostport, join(node.root, 'var', 'lib', 'hc-lab', 'scratch'));
  try {
    const toml = existsSync(join(dir.hostsDir, hostport, 'hosts.toml')) ? readFileSync(join(dir.hostsDir, hostport, 'hosts.toml'), 'utf8') : '';
    const base = join(dir.hostsDir, hostport);
    const caPaths = [...toml.matchAll(/^\s*ca\s*=\s*(\[[^\]]*\]|"[^"]*")/gm)].flatMap((m) => {
      const v = m[1];
      return v.startsWith('[') ? (JSON.parse(v) as string[]) : [JSON.parse(v) as string];
    });
    const skipVerify = /^\s*skip_verify\s*=\s*true/m.test(toml);
    const ca = [...new Set(caPaths)].map((p) => (p.startsWith('/') ? p : join(base, p))).filter(existsSync).map((p) => readFileSync(p));
    return { ca, clientPairs: [], skipVerify };
  } finally {
    dir.cleanup();
  }
}

function goTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function matchHostname(pattern: string, host: string): boolean {
  pattern = pattern.toLowerCase();
  host = host.toLowerCase().replace(/\.$/, '');
  if (pattern === host) return true;
  if (pattern.startsWith('*.')) {
    const rest = host.slice(host.indexOf('.') + 1);
    return host.includes('.') && pattern.slice(2) === rest;
  }
  return false;
}

/** crypto/x509 Certificate.VerifyHostname + HostnameError.Error() (Go 1.19). */
export function goHostnameError(cert: PeerCertificate, host: string): string | undefined {
  const sans = (cert.subjectaltname ?? '').split(/,\s*/).filter(Boolean);
  const hasSan = sans.length > 0;
  const ips = sans.filter((s) => s.startsWith('IP Address:')).map((s) => s.slice('IP Address:'.length));
  const dns = sans.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
  const cn = typeof cert.subject?.CN === 'string' ? cert.subject.CN : '';
  if (isIP(host)) {
    if (ips.includes(host)) return undefined;
    if (!hasSan && cn && matchHostname(cn, host)) return 'x509: certificate relies on legacy Common Name field, use SANs instead';
    if (ips.length === 0) return `x509: cannot validate certificate for ${host} because it doesn't contain any IP SANs`;
    return `x509: certificate is valid for ${ips.join(', ')}, not ${host}`;
  }
  if (dns.some((d) => matchHostname(d, host))) return undefined;
  if (!hasSan && cn && matchHostname(cn, host)) return 'x509: certificate relies on legacy Common Name field, use SANs instead';
  if (dns.length === 0) return `x509: certificate is not valid for any names, but wanted to match ${host}`;
  return `x509: certificate is valid for ${dns.join(', ')}, not ${host}`;
}

class PullError extends Error {}

function netError(code: string | undefined, hostport: string, fallback: string): string {
  if (code === 'ECONNREFUSED') return `dial tcp ${hostport}: connect: connection refused`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `dial tcp: lookup ${hostport.replace(/:\d+$/, '')}: no such host`;
  if (code === 'ETIMEDOUT') return `dial tcp ${hostport}: i/o timeout`;
  return fallback;
}

/** TLS handshake check in Go's order: hostname first, then the chain, then validity dates. */
async function checkTls(hostport: string, trust: TrustConfig, url: string): Promise<void> {
  if (trust.skipVerify) return;
  const host = hostport.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const port = Number(/:(\d+)$/.exec(hostport)?.[1] ?? 443);
  const head = `failed to do request: Head ${JSON.stringify(url)}: `;
  const { cert, authError } = await new Promise<{ cert: PeerCertificate; authError?: string }>((resolve, reject) => {
    const socket = connect({ host, port, ca: trust.ca.length ? trust.ca : undefined, rejectUnauthorized: false, servername: isIP(host) ? undefined : host });
    socket.setTimeout(15_000, () => socket.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate();
      const err = socket.authorizationError ? String((socket.authorizationError as unknown as { code?: string }).code ?? socket.authorizationError) : undefined;
      socket.end();
      resolve({ cert: peer, authError: err });
    });
    socket.once('error', (e: NodeJS.ErrnoException) => reject(new PullError(head + netError(e.code, hostport, e.message))));
  });
  const hostErr = goHostnameError(cert, host);
  if (hostErr) throw new PullError(head + hostErr);
  if (!authError) return;
  if (authError === 'CERT_HAS_EXPIRED' || authError === 'CERT_NOT_YET_VALID') {
    const now = new Date();
    const after = authError === 'CERT_HAS_EXPIRED';
    const bound = new Date(after ? cert.valid_to : cert.valid_from);
    throw new PullError(`${head}x509: certificate has expired or is not yet valid: current time ${goTime(now)} is ${after ? 'after' : 'before'} ${goTime(bound)}`);
  }
  throw new PullError(`${head}x509: certificate signed by unknown authority`);
}

interface Res {
  status: number;
  statusText: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function call(method: string, url: string, trust: TrustConfig, headers: Record<string, string>): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, ca: trust.ca.length ? trust.ca : undefined, rejectUnauthorized: false, agent: false, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end();
  });
}

function parseChallenge(header: string | string[] | undefined): { scheme: string; params: Record<string, string> } | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const m = /^(\w+)\s*(.*)$/.exec(value);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2].matchAll(/(\w+)="([^"]*)"/g)) params[p[1]] = p[2];
  return { scheme: m[1].toLowerCase(), params };
}

export class EmulatedImageStore implements ImageStore {
  readonly mode = 'emulated' as const;

  private storePath(node: NodeHandle): string {
    return join(node.root, 'var', 'lib', 'hc-lab', 'emulated-images.json');
  }

  private load(node: NodeHandle): Record<string, PulledImage> {
    try {
      return JSON.parse(readFileSync(this.storePath(node), 'utf8')) as Record<string, PulledImage>;
    } catch {
      return {};
    }
  }

  private save(node: NodeHandle, images: Record<string, PulledImage>): void {
    mkdirSync(join(node.root, 'var', 'lib', 'hc-lab'), { recursive: true });
    writeFileSync(this.storePath(node), JSON.stringify(images, null, 2));
  }

  async list(node: NodeHandle): Promise<string[]> {
    return Object.keys(this.load(node));
  }

  async present(node: NodeHandle, ref: ImageReference): Promise<PulledImage | undefined> {
    return this.load(node)[ref.normalized];
  }

  async tag(node: NodeHandle, from: ImageReference, to: ImageReference): Promise<boolean> {
    const images = this.load(node);
    if (!images[from.normalized]) return false;
    images[to.normalized] = images[from.normalized];
    this.save(node, images);
    return true;
  }

  async remove(node: NodeHandle, ref: ImageReference): Promise<void> {
    const images = this.load(node);
    delete images[ref.normalized];
    this.save(node, images);
  }

  async pull(node: NodeHandle, ref: ImageReference, auth?: Credentials): Promise<PullOutcome> {
    const wrap = (text: string) => ({ ok: false as const, containerdText: nodeView(node, text) });
    const host = ref.domain === 'docker.io' ? 'registry-1.docker.io' : ref.domain;
    const reference = ref.digest ?? ref.tag ?? 'latest';
    const manifestUrl = `https://${host}/v2/${ref.path}/manifests/${reference}`;
    const resolveErr = (text: string) => `failed to resolve reference ${JSON.stringify(ref.normalized)}: ${text}`;
    let trust: TrustConfig;
    try {
      trust = trustFor(node, ref.domain);
      await checkTls(host, trust, manifestUrl);
    } catch (error) {
      return wrap(resolveErr(error instanceof PullError ? error.message : String(error)));
    }
    let authorization: string | undefined;
    const send = async (method: string, url: string, extra: Record<string, string> = {}) => {
      const headers: Record<string, string> = { 'User-Agent': 'containerd/emulated', ...extra };
      if (authorization) headers.Authorization = authorization;
      try {
        let res = await call(method, url, trust, headers);
        if (res.status === 401 && !authorization) {
          const challenge = parseChallenge(res.headers['www-authenticate']);
          if (challenge?.scheme === 'basic' && auth) {
            authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
          } else if (challenge?.scheme === 'bearer' && challenge.params.realm) {
            const tokenUrl = new URL(challenge.params.realm);
            if (challenge.params.service) tokenUrl.searchParams.set('service', challenge.params.service);
            tokenUrl.searchParams.set('scope', challenge.params.scope ?? `repository:${ref.path}:pull`);
            const tokenHeaders: Record<string, string> = {};
            if (auth) tokenHeaders.Authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
            const tok = await call('GET', tokenUrl.toString(), trust, tokenHeaders);
            if (tok.status !== 200) {
              throw new PullError(`failed to fetch ${auth ? 'oauth' : 'anonymous'} token: unexpected status: ${tok.status} ${tok.statusText}`);
            }
            const body = JSON.parse(tok.body.toString('utf8')) as { token?: string; access_token?: string };
            authorization = `Bearer ${body.token ?? body.access_token ?? ''}`;
          }
          if (authorization) res = await call(method, url, trust, { ...headers, Authorization: authorization });
        }
        return res;
      } catch (error) {
        if (error instanceof PullError) throw error;
        const e = error as NodeJS.ErrnoException;
        const verb = method === 'HEAD' ? 'Head' : 'Get';
        throw new PullError(`failed to do request: ${verb} ${JSON.stringify(url)}: ${netError(e.code, host, e.message)}`);
      }
    };
    try {
      const head = await send('HEAD', manifestUrl, { Accept: ACCEPT });
      if (head.status === 404) return wrap(resolveErr(`${ref.normalized}: not found`));
      if (head.status !== 200) {
        return wrap(resolveErr(`pulling from host ${host} failed with status code [manifests ${reference}]: ${head.status} ${head.statusText}`));
      }
      const get = await send('GET', manifestUrl, { Accept: ACCEPT });
      if (get.status !== 200) return wrap(`failed to copy: unexpected status ${get.status} ${get.statusText}`);
      const digest = (get.headers['docker-content-digest'] as string | undefined) ?? `sha256:${createHash('sha256').update(get.body).digest('hex')}`;
      const manifest = JSON.parse(get.body.toString('utf8')) as { config?: { digest: string; size: number }; layers?: Array<{ digest: string; size: number }> };
      if (!manifest.config) return wrap(`failed to pull and unpack image: manifest lists are not supported by the lab emulation`);
      let size = 0;
      for (const blob of [manifest.config, ...(manifest.layers ?? [])]) {
        const res = await send('GET', `https://${host}/v2/${ref.path}/blobs/${blob.digest}`);
        if (res.status !== 200) return wrap(`failed to copy: httpReadSeeker: failed open: unexpected status code https://${host}/v2/${ref.path}/blobs/${blob.digest}: ${res.status} ${res.statusText}`);
        const actual = `sha256:${createHash('sha256').update(res.body).digest('hex')}`;
        if (actual !== blob.digest) return wrap(`failed commit on ref "layer-${blob.digest}": unexpected commit digest ${actual}, expected ${blob.digest}: failed precondition`);
        if (blob !== manifest.config) size += res.body.length;
      }
      const pulled: PulledImage = { imageId: manifest.config.digest, repoDigest: `${ref.repository}@${digest}`, size };
      const images = this.load(node);
      images[ref.normalized] = pulled;
      this.save(node, images);
      return { ok: true, ...pulled };
    } catch (error) {
      return wrap(resolveErr(error instanceof PullError ? error.message : String(error)));
    }
  }
}
