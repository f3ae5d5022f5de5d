// A loopback latency proxy for bench/apply-plan.ts: every request waits `latencyMs` before it is forwarded to the
// upstream (a stand-in for the browser -> console server -> ks-apiserver round trip), and is counted by method and
// path kind (namespace and object names folded, selector parameter names kept), e.g.
//   "PATCH /api/v1/namespaces/{ns}/serviceaccounts/{name}", "GET /api/v1/serviceaccounts ?fieldSelector".
import http from 'node:http';

export interface LatencyProxy {
  url: string;
  /** Requests since the last reset, by kind. */
  counts: Map<string, number>;
  total(): number;
  /** Highest number of requests in flight at once since the last reset (proves the concurrency bound). */
  maxInFlight(): number;
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

export async function startLatencyProxy(upstreamUrl: string, latencyMs: number): Promise<LatencyProxy> {
  const upstream = new URL(upstreamUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const counts = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;

  const server = http.createServer((req, res) => {
    const kind = requestKind(req.method ?? 'GET', req.url ?? '/');
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        inFlight--;
      }
    };
    res.on('close', finish);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      // Delay the forward, not the answer: the server sees the request 20 ms later, as over a real network.
      setTimeout(() => {
        const body = Buffer.concat(chunks);
        const headers: http.OutgoingHttpHeaders = { ...req.headers, host: upstream.host };
        if (body.length || req.headers['content-length']) headers['content-length'] = String(body.length);
        delete headers['transfer-encoding'];
        const up = http.request(
          { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
          (ur) => {
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
    });
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
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    maxInFlight: () => maxInFlight,
    reset: () => {
      counts.clear();
      maxInFlight = inFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
