// The lab API stand-in: one HTTP server answering as ks-apiserver and kube-apiserver.
// authenticate -> KubeSphere routes (lab/apiserver/src/kubesphere/, when present) -> Kubernetes routes ->
// unknown path (logged to .lab/apiserver/unknown-paths.log, 404 Status).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Authenticator, Authorizer, LabUser, RequestContext, RouteHandler, Store } from './contract';
import { kubeRoutes, logUnknownPath, sendError } from './kube';
import { ApiError } from './contract';
import { seedKube } from './seed';
import { startScheduler } from './scheduler';
import { MemStore } from './store';
import { ensureServingTls, kubeconfig } from './tls';

export interface ApiServerOptions {
  /** 0 picks a free port. Default HC_API_PORT or 9090. */
  port?: number;
  /** HTTPS port for kubectl (which sends tokens only over TLS). 0 picks a free port, null disables.
   *  Default HC_API_TLS_PORT, else 9443 (or a free port when 9443 is taken). */
  tlsPort?: number | null;
  host?: string;
  /** Absolute lab state folder (HC_LAB_DIR); this server uses <labDir>/apiserver. */
  labDir: string;
  repoRoot: string;
  /** Skip loading lab/apiserver/src/kubesphere even when it exists (tests of this part alone). */
  withoutKubeSphere?: boolean;
  /** Log lines to stderr (start-up notes); default true. */
  verbose?: boolean;
  /**
   * Run the built-in minimal default-scheduler (binds pods without nodeName; ignores node affinity). Default: OFF
   * (unless HC_LAB_SCHEDULER=1): in the full lab the nodes' scheduler (lab/nodes, affinity/taint aware) binds pods, and
   * two schedulers would race. Pass `true` only when no lab/nodes run (API-only tests).
   */
  scheduler?: boolean;
  /** Replace authentication/authorization (tests); the system token still authenticates as system:masters. */
  auth?: { authenticator?: Authenticator; authorizer?: Authorizer };
}

export interface ApiServer {
  url: string;
  port: number;
  /** https://127.0.0.1:<tlsPort>, when the TLS listener is on. */
  tlsUrl?: string;
  /** <labDir>/apiserver/kubeconfig: kubectl as system:lab-controller over HTTPS (when TLS is on). */
  kubeconfigPath?: string;
  /** PEM of the CA that signed the HTTPS serving certificate. */
  caPem?: string;
  /** The bearer token of system:lab-controller (also in <labDir>/apiserver/system-token). */
  systemToken: string;
  store: MemStore;
  /** Whether the KubeSphere part was loaded, or the permissive fallback is in use. */
  kubesphere: 'loaded' | 'fallback';
  close(): Promise<void>;
}

export const SYSTEM_USER: LabUser = { name: 'system:lab-controller', groups: ['system:masters', 'system:authenticated'] };

interface KubeSphereModule {
  createAuthenticator?: (ctx: { store: Store; labDir: string }) => Authenticator;
  createAuthorizer?: (store: Store) => Authorizer;
  kubesphereRoutes?: RouteHandler;
  seedKubeSphere?: (store: Store, info?: { fresh: boolean }) => void | Promise<void>;
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

/** Until the KubeSphere part exists: any JWT-looking token whose payload names a user is that user. */
function permissiveAuthenticator(): Authenticator {
  return {
    authenticate(req) {
      const token = bearer(req);
      if (!token) return undefined;
      const parts = token.split('.');
      if (parts.length !== 3) return undefined;
      try {
        const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
        const name = payload.username ?? payload.sub;
        return typeof name === 'string' && name ? { name, groups: ['system:authenticated'] } : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

const allowAll: Authorizer = { authorize: () => ({ allowed: true }) };

/** Query parameters safe to log (selectors and paging; never tokens or passwords). */
const LOGGED_PARAMS = new Set(['watch', 'labelSelector', 'fieldSelector', 'limit', 'resourceVersion', 'dryRun', 'timeoutSeconds']);

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const verbose = options.verbose ?? true;
  const note = (msg: string) => verbose && console.error(`[apiserver] ${msg}`);
  const dir = path.join(options.labDir, 'apiserver');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });

  const systemToken = randomBytes(32).toString('hex');
  const tokenFile = path.join(dir, 'system-token');

  // Bind the port before touching state, so a second server on the same lab folder fails without writing.
  // HTTP is ks-apiserver (console routes, then the Kubernetes API it also serves); HTTPS is kube-apiserver
  // for kubectl (Kubernetes routes only, so e.g. /version is Kubernetes' own).
  type Personality = 'ks' | 'kube';
  let onRequest: (req: IncomingMessage, res: http.ServerResponse, personality: Personality) => void = (_req, res) => {
    res.writeHead(503, { 'Content-Type': 'text/plain' });
    res.end('starting');
  };
  const server = http.createServer((req, res) => onRequest(req, res, 'ks'));
  // Watches are long; do not let Node's request timeout cut them.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 65_000;
  const port = options.port ?? Number(process.env.HC_API_PORT ?? 9090);
  const host = options.host ?? '127.0.0.1';
  const listen = (srv: http.Server | https.Server, p: number) =>
    new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(p, host, () => resolve());
    });
  await listen(server, port);
  // An explicit TLS port must be free; the default (9443) gives way to a free port, since the kubeconfig
  // written below always carries the real address.
  const explicitTls = options.tlsPort !== undefined || process.env.HC_API_TLS_PORT !== undefined;
  const tlsPort = options.tlsPort !== undefined ? options.tlsPort : Number(process.env.HC_API_TLS_PORT ?? 9443);
  let tlsServer: https.Server | undefined;
  let tls: ReturnType<typeof ensureServingTls> | undefined;
  if (tlsPort !== null && tlsPort >= 0) {
    try {
      tls = ensureServingTls(dir);
      const make = () => {
        const srv = https.createServer({ key: tls!.keyPem, cert: tls!.certPem }, (req, res) => onRequest(req, res, 'kube'));
        srv.requestTimeout = 0;
        srv.keepAliveTimeout = 65_000;
        return srv;
      };
      tlsServer = make();
      try {
        await listen(tlsServer, tlsPort);
      } catch (e) {
        if (explicitTls || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
        note(`port ${tlsPort} is taken; the HTTPS listener takes a free port (see the kubeconfig)`);
        tlsServer = make();
        await listen(tlsServer, 0);
      }
    } catch (e) {
      server.close();
      throw e;
    }
  }

  let store!: MemStore;
  let ks: KubeSphereModule = {};
  let kubesphere: ApiServer['kubesphere'] = 'fallback';
  let ksAuthenticator: Authenticator | undefined;
  let ksAuthorizer: Authorizer | undefined;
  let stopScheduler: (() => void) | undefined;
  try {
    const certManagerFile = path.join(dir, 'cert-manager');
    store = new MemStore({
      file: path.join(dir, 'state.json'),
      certManager: () => process.env.HC_LAB_CERT_MANAGER === '1' || fs.existsSync(certManagerFile),
    });
    const fresh = store.isEmpty();
    if (fresh) {
      seedKube(store);
      note('seeded an empty state');
    }

    const ksIndex = path.join(path.dirname(fileURLToPath(import.meta.url)), 'kubesphere', 'index.ts');
    if (!options.withoutKubeSphere && fs.existsSync(ksIndex)) {
      ks = (await import(ksIndex)) as KubeSphereModule;
    }
    ksAuthenticator = options.auth?.authenticator ?? ks.createAuthenticator?.({ store, labDir: options.labDir });
    ksAuthorizer = options.auth?.authorizer ?? ks.createAuthorizer?.(store);
    if (ksAuthenticator && ksAuthorizer) kubesphere = 'loaded';
    else {
      note('KubeSphere part not loaded: PERMISSIVE fallback (JWT username = user, every request allowed)');
    }
    await ks.seedKubeSphere?.(store, { fresh });
    store.persistNow();
    if (options.scheduler ?? process.env.HC_LAB_SCHEDULER === '1') stopScheduler = startScheduler(store);
  } catch (e) {
    server.close();
    tlsServer?.close();
    throw e;
  }

  const fallbackAuth = permissiveAuthenticator();
  const authenticate = (req: IncomingMessage): LabUser | undefined => {
    // The lab controller's token works whatever the KubeSphere part decides.
    if (bearer(req) === systemToken) return SYSTEM_USER;
    return (ksAuthenticator ?? fallbackAuth).authenticate(req);
  };
  const authorizer: Authorizer = {
    authorize(user, attrs) {
      if (user.groups.includes('system:masters')) return { allowed: true };
      return (ksAuthorizer ?? allowAll).authorize(user, attrs);
    },
  };

  const access = fs.createWriteStream(path.join(dir, 'access.log'), { flags: 'a' });
  // The log is best effort: a write failure (disk full, folder removed) must not take the server down.
  access.on('error', (e) => note(`access.log: ${(e as Error).message}`));
  onRequest = async (req, res, personality) => {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let user: LabUser | undefined;
    res.on('close', () => {
      // A client that disconnects while close() runs (or after) must not write to the ended log (`write after end`).
      if (access.writableEnded || access.destroyed) return;
      const query = [...url.searchParams].filter(([k]) => LOGGED_PARAMS.has(k));
      access.write(
        `${JSON.stringify({
          time: new Date().toISOString(),
          method: req.method,
          path: url.pathname,
          ...(query.length ? { query: Object.fromEntries(query) } : {}),
          status: res.statusCode,
          ms: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
          user: user?.name,
        })}\n`,
      );
    });
    try {
      user = authenticate(req);
      const ctx: RequestContext = { store, user, authorizer, labDir: options.labDir, repoRoot: options.repoRoot };
      if (personality === 'ks' && ks.kubesphereRoutes && (await ks.kubesphereRoutes(req, res, url, ctx))) return;
      if (await kubeRoutes(req, res, url, ctx)) return;
      logUnknownPath(ctx, req.method ?? 'GET', url.pathname);
      sendError(res, new ApiError(404, 'NotFound', 'the server could not find the requested resource', {}));
    } catch (e) {
      sendError(res, e);
    }
  };
  // Written once the port is ours, so a server that failed to start never replaces a running one's token.
  fs.writeFileSync(tokenFile, `${systemToken}\n`, { mode: 0o600 });
  fs.chmodSync(tokenFile, 0o600);
  const actual = (server.address() as AddressInfo).port;
  const url = `http://${host}:${actual}`;
  let tlsUrl: string | undefined;
  let kubeconfigPath: string | undefined;
  if (tlsServer && tls) {
    tlsUrl = `https://${host}:${(tlsServer.address() as AddressInfo).port}`;
    kubeconfigPath = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfigPath, kubeconfig(tlsUrl, tls.caPem, systemToken), { mode: 0o600 });
    fs.chmodSync(kubeconfigPath, 0o600);
  }
  note(`listening on ${url}${tlsUrl ? ` and ${tlsUrl} (kubectl: KUBECONFIG=${kubeconfigPath})` : ''} (kubesphere: ${kubesphere}); system token in ${tokenFile}`);

  return {
    url,
    port: actual,
    tlsUrl,
    kubeconfigPath,
    caPem: tls?.caPem,
    systemToken,
    store,
    kubesphere,
    async close() {
      stopScheduler?.();
      await Promise.all(
        [server, tlsServer].map(
          (srv) =>
            new Promise<void>((resolve) => {
              if (!srv) return resolve();
              srv.close(() => resolve());
              srv.closeAllConnections();
            }),
        ),
      );
      store.close();
      store.persistNow();
      await new Promise<void>((resolve) => access.end(resolve));
    },
  };
}
