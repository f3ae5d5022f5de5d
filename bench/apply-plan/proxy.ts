// A loopback latency proxy for the benches: every request waits `latencyMs` before it is forwarded to the
// upstream (a stand-in for the browser -> console server -> ks-apiserver round trip), and is counted by method and
// path kind (namespace and object names folded, selector parameter names kept), e.g.
//   "PATCH /api/v1/namespaces/{ns}/serviceaccounts/{name}", "GET /api/v1/serviceaccounts ?fieldSelector".
//
// One upstream (bench/apply-plan.ts): every request goes there as it is. Several clusters
// (bench/multicluster-apply.ts): `{ clusters: { host: …, 'member-1': … } }`, and every request must carry
// `/clusters/<name>/`, which the proxy strips before forwarding to that cluster's upstream, as KubeSphere's host
// routes a member's requests (docs/kubesphere.md, "Many clusters"); it is counted per cluster as well.
import http from 'node:http';
import https from 'node:https';

/** An upstream API server: its URL, and the CA that signed its serving certificate when it speaks TLS. */
export interface Upstream {
  url: string;
  ca?: string;
}

export interface LatencyProxy {
  url: string;
  /** Requests since the last reset, by kind (all clusters together). */
  counts: Map<string, number>;
  /** Requests since the last reset, by cluster then kind (routed proxies only; '' for a single upstream). */
  byCluster: Map<string, Map<string, number>>;
  total(): number;
  /** Highest number of requests in flight at once since the last reset (proves the concurrency bound). */
  maxInFlight(): number;
  /** The same, per cluster. */
  maxInFlightOf(cluster: string): number;
  /** Since the last reset, per cluster: ms from forwarding each request to its answer's headers (the server's part). */
  upstreamMs: Map<string, number[]>;
  reset(): void;
  close(): Promise<void>;
}

const COUNTED_PARAMS = ['labelSelector', 'fieldSelector', 'continue', 'watch'];

/** "GET /api/v1/namespaces/{ns}/secrets ?labelSelector" from "GET /api/v1/namespaces/demo/secrets?labelSelector=a%3Db". */
export function requestKind(method: string, url: string): string {
  const [pathPart, query = ''] = url.split('?');
  const segs = pathPart.split('/').filter(Boolean);
  const out: string[] = [];
  let i = 0;
  if (segs[0] === 'clusters' && segs.length > 2) {
    out.push('clusters', '{cluster}');
    i = 2;
  }
  const root = segs[i];
  const prefixLen = root === 'api' ? 2 : root === 'apis' || root === 'kapis' ? 3 : 0;
  if (prefixLen === 0) return `${method} ${pathPart}`;
  out.push(...segs.slice(i, i + prefixLen));
  i += prefixLen;
  if (segs[i] === 'namespaces' && segs.length > i + 2) {
    out.push('namespaces', '{ns}');
    i += 2;
  }
  if (i < segs.length) out.push(segs[i]); // resource
  if (i + 1 < segs.length) out.push('{name}');
  out.push(...segs.slice(i + 2)); // subresource
  const params = new URLSearchParams(query);
  const kept = COUNTED_PARAMS.filter((p) => params.has(p));
  return `${method} /${out.join('/')}${kept.length ? ` ?${kept.join('&')}` : ''}`;
}

/** `/clusters/<name>/<rest>` -> { cluster, path: '/<rest>' }; undefined when the URL names no cluster. */
export function splitClusterPath(url: string): { cluster: string; path: string } | undefined {
  const m = /^\/clusters\/([^/?]+)(\/.*)$/.exec(url);
  return m ? { cluster: decodeURIComponent(m[1]), path: m[2] } : undefined;
}

interface Route {
  url: URL;
  agent: http.Agent;
}

function routeTo(upstream: string | Upstream): Route {
  const u = typeof upstream === 'string' ? { url: upstream } : upstream;
  const url = new URL(u.url);
  const options = { keepAlive: true, maxSockets: 256 };
  return { url, agent: url.protocol === 'https:' ? new https.Agent({ ...options, ca: u.ca }) : new http.Agent(options) };
}

export interface ProxyOptions {
  /**
   * At most this many requests at once, all clusters together, the others wait in order: a browser talking to the
   * console over HTTP/1.1 (6 connections per host, each held for the whole round trip). Default: no limit.
   */
  connections?: number;
}

export async function startLatencyProxy(
  upstream: string | Upstream | { clusters: Record<string, Upstream> },
  latencyMs: number,
  options: ProxyOptions = {},
): Promise<LatencyProxy> {
  const routed = typeof upstream === 'object' && 'clusters' in upstream;
  const routes = new Map<string, Route>(routed ? Object.entries(upstream.clusters).map(([name, u]) => [name, routeTo(u)]) : [['', routeTo(upstream)]]);
  const counts = new Map<string, number>();
  const byCluster = new Map<string, Map<string, number>>();
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  const upstreamMs = new Map<string, number[]>();
  const bump = (m: Map<string, number>, k: string, d: number) => m.set(k, (m.get(k) ?? 0) + d);
  const ALL = '\0all';
  // The connection limit: a FIFO of requests waiting for one of `options.connections` slots.
  let free = options.connections ?? Infinity;
  const waiting: Array<() => void> = [];
  const acquire = (go: () => void) => (free > 0 ? (free--, go()) : waiting.push(go));
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const split = routed ? splitClusterPath(url) : { cluster: '', path: url };
    const route = split && routes.get(split.cluster);
    if (!split || !route) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end(`proxy: no cluster for ${url}`);
      return;
    }
    const { cluster, path } = split;
    const kind = requestKind(req.method ?? 'GET', path);
    bump(counts, kind, 1);
    if (!byCluster.has(cluster)) byCluster.set(cluster, new Map());
    bump(byCluster.get(cluster)!, kind, 1);
    let admitted = false;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (!admitted) return;
      bump(inFlight, ALL, -1);
      bump(inFlight, cluster, -1);
      release();
    };
    res.on('close', finish);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () =>
      acquire(() => {
        admitted = true;
        if (done) {
          // The client went away while waiting for a connection.
          admitted = false;
          release();
          return;
        }
        for (const k of [ALL, cluster]) {
          bump(inFlight, k, 1);
          maxInFlight.set(k, Math.max(maxInFlight.get(k) ?? 0, inFlight.get(k)!));
        }
        // Delay the forward, not the answer: the server sees the request `latencyMs` later, as over a real network.
        setTimeout(() => {
          const body = Buffer.concat(chunks);
          const headers: http.OutgoingHttpHeaders = { ...req.headers, host: route.url.host };
          if (body.length || req.headers['content-length']) headers['content-length'] = String(body.length);
          delete headers['transfer-encoding'];
          const send = route.url.protocol === 'https:' ? https.request : http.request;
          const sent = performance.now();
          const up = send(
            { protocol: route.url.protocol, hostname: route.url.hostname, port: route.url.port, method: req.method, path, headers, agent: route.agent },
            (ur) => {
              if (!upstreamMs.has(cluster)) upstreamMs.set(cluster, []);
              upstreamMs.get(cluster)!.push(performance.now() - sent);
              res.writeHead(ur.statusCode ?? 502, ur.headers);
              ur.pipe(res);
            },
          );
          up.on('error', (e) => {
            if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
            res.end(`proxy: ${e.message}`);
          });
          up.end(body);
        }, latencyMs);
      }),
    );
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    byCluster,
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    maxInFlight: () => maxInFlight.get(ALL) ?? 0,
    maxInFlightOf: (cluster) => maxInFlight.get(cluster) ?? 0,
    upstreamMs,
    reset: () => {
      counts.clear();
      byCluster.clear();
      upstreamMs.clear();
      for (const [k, n] of inFlight) maxInFlight.set(k, n);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of routes.values()) r.agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
