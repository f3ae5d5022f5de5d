// Child process of bench/apply-plan.ts: the lab API stand-in (temp lab dir, free port, no TLS, no scheduler) seeded
// with N namespaces, and the latency proxy in front of it. It runs apart from the bench so that the extension's
// client (the "browser") does not share an event loop with the server it measures. Talks to the parent over IPC.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApiServer } from '../../lab/apiserver/src/server';
import { startLatencyProxy } from './proxy';

export interface StandinReady {
  type: 'ready';
  proxyUrl: string;
  /** Direct, not delayed, not counted: for checks that are not part of the measurement. */
  serverUrl: string;
  token: string;
  seedMs: number;
}
export type StandinRequest =
  | { id: number; type: 'reset' }
  | { id: number; type: 'counts' }
  | { id: number; type: 'versions'; objects: Array<{ apiVersion: string; kind: string; namespace?: string; name: string }> }
  | { id: number; type: 'close' };
export interface StandinCounts {
  counts: Array<[string, number]>;
  maxInFlight: number;
  /** The stand-in's global resourceVersion: any write anywhere moves it. */
  resourceVersion: string;
}

const send = (m: unknown) => process.send?.(m);
const projects = (process.env.HC_BENCH_PROJECTS ?? '').split(',').filter(Boolean);
const latencyMs = Number(process.env.HC_BENCH_LATENCY_MS ?? '20');
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const labDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hc-bench-apply-'));
const server = await startApiServer({ port: 0, tlsPort: null, labDir, repoRoot, verbose: false, scheduler: false });
const t0 = performance.now();
const nsType = server.store.typeFor('', 'namespaces');
const saType = server.store.typeFor('', 'serviceaccounts');
if (!nsType || !saType) throw new Error('stand-in serves no namespaces/serviceaccounts');
for (const name of projects) {
  server.store.create(nsType, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubesphere.io/workspace': 'bench-ws' } } } as never);
}
const missing = projects.filter((p) => !server.store.get(saType, p, 'default'));
if (missing.length) throw new Error(`no default ServiceAccount in ${missing.length} namespaces (e.g. ${missing[0]})`);
server.store.persistNow();
const seedMs = performance.now() - t0;
const proxy = await startLatencyProxy(server.url, latencyMs);

const close = async () => {
  await proxy.close();
  await server.close();
  fs.rmSync(labDir, { recursive: true, force: true });
};
process.on('disconnect', () => void close().finally(() => process.exit(0)));

process.on('message', async (m: StandinRequest) => {
  switch (m.type) {
    case 'reset':
      proxy.reset();
      return send({ id: m.id });
    case 'counts':
      return send({ id: m.id, counts: [...proxy.counts.entries()], maxInFlight: proxy.maxInFlight(), resourceVersion: server.store.currentResourceVersion() } satisfies StandinCounts & { id: number });
    case 'versions': {
      const rvs = m.objects.map((o) => {
        const t = server.store.typeForKind(o.apiVersion, o.kind);
        return t ? ((server.store.get(t, o.namespace, o.name)?.metadata?.resourceVersion as string | undefined) ?? null) : null;
      });
      return send({ id: m.id, rvs });
    }
    case 'close':
      await close();
      send({ id: m.id });
      process.exit(0);
  }
});

send({ type: 'ready', proxyUrl: proxy.url, serverUrl: server.url, token: server.systemToken, seedMs } satisfies StandinReady);
