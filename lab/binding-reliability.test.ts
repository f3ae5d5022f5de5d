// Reliability of binding pull secrets on the real lab, through the product's own path: each binder does what the
// project page does (src/features/binding/BindPanel.tsx): it reads the targets as the page's queries do
// (useProjectData: the namespace's list, under the product's query client and its retry policy), plans with the
// domain planner (planForTarget: planBinding / planUnbinding), and applies the writes as ApplyProgress does
// (applyStaged with the one write executor, planExecutor in src/api/write.ts, under the one retry policy in
// src/api/retry.ts: a write whose guard failed is planned again from a fresh read). Requests go through the
// extension's API layer (src/api, its fetch client) to the KubeSphere gateway as demo-admin (project admin of demo),
// which authorizes them as KubeSphere does and proxies them to the real kube-apiserver (resourceVersion, JSON patch
// `test` → 422, strategic merge by the Go types' schema). Between the binder and the gateway sits a chaos proxy that
// can run a concurrent writer before a PATCH/PUT reaches the server, or drop connections.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clusterContext } from '../src/api/cluster';
import { createQueryClient } from '../src/api/queryClient';
import { deployments, serviceAccounts } from '../src/api/resources';
import { planExecutor } from '../src/api/write';
import { mapLimit } from '../src/domain/async';
import { planBindingReplace, type BindingPlan } from '../src/domain/binding';
import { planForTarget, type BindTarget } from '../src/domain/binding/target';
import { applyStaged } from '../src/domain/plan/apply';
import type { Write, WriteOutcome } from '../src/domain/plan/write';
import { GATEWAY_URL, kubeAdmin, useProductApiAs } from './testing';

const NS = 'demo';
const SEEDED = ['dockerhub-mirror', 'legacy-regcred', 'quay-readonly'];
/** This test's own objects in the shared lab (the seeded `builder` and `web` are left as they were). */
const SA = 'hc-reliability-builder';
const DEPLOYMENT = 'hc-reliability-web';
// KubeSphere 4.1 runs multi-cluster even with one cluster: requests carry /clusters/host.
const ctx = clusterContext('host', true);

let proxy: http.Server;

/** What the proxy does to the next request; reset before each test. */
interface Chaos {
  /** Before forwarding a PATCH/PUT of this SA, run this (a concurrent writer); return false to stop. */
  beforeWrite?: (req: http.IncomingMessage) => Promise<void> | void;
  /** Kill the connection without forwarding. */
  dropBefore?: (req: http.IncomingMessage) => boolean;
  /** Forward, let the server apply it, then kill the connection instead of answering. */
  dropAfter?: (req: http.IncomingMessage) => boolean;
}
let chaos: Chaos = {};
const counts = { dropped: 0, droppedAfter: 0, interfered: 0 };
/** Every request the proxy forwarded, with the server's status (answered to the binder or not). */
let forwarded: Array<{ method: string; url: string; status: number }> = [];

function startProxy(target: URL): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      if (chaos.dropBefore?.(req)) {
        counts.dropped++;
        req.socket.destroy();
        return;
      }
      if ((req.method === 'PATCH' || req.method === 'PUT') && chaos.beforeWrite) {
        await chaos.beforeWrite(req);
      }
      const dropAfter = chaos.dropAfter?.(req) ?? false;
      const up = http.request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } },
        (upRes) => {
          const parts: Buffer[] = [];
          upRes.on('data', (c) => parts.push(c));
          upRes.on('end', () => {
            forwarded.push({ method: req.method ?? '', url: req.url ?? '', status: upRes.statusCode ?? 0 });
            if (dropAfter) {
              counts.droppedAfter++;
              req.socket.destroy();
              return;
            }
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            res.end(Buffer.concat(parts));
          });
        },
      );
      up.on('error', () => req.socket.destroy());
      up.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The statuses the server answered to this test's writes (`method`) of the ServiceAccount `name`, in order. */
function writeStatuses(method: 'PATCH' | 'PUT', name = SA): number[] {
  return forwarded.filter((f) => f.method === method && f.url.split('?')[0].endsWith(`/serviceaccounts/${name}`)).map((f) => f.status);
}

/** Direct requests as lab-admin to kube-apiserver (the "other writer"), not through the proxy. */
async function direct(method: string, p: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; json: any }> {
  return kubeAdmin().request(method, p, body, contentType);
}

const saPath = (name: string) => `/api/v1/namespaces/${NS}/serviceaccounts/${name}`;
async function saSecrets(name: string): Promise<string[]> {
  const r = await direct('GET', saPath(name));
  return (r.json.imagePullSecrets ?? []).map((x: { name: string }) => x.name);
}
async function resetSa(name: string, list: string[]) {
  const cur = await direct('GET', saPath(name));
  if (cur.status === 404) {
    const r = await direct('POST', `/api/v1/namespaces/${NS}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: NS }, imagePullSecrets: list.map((n) => ({ name: n })) });
    expect(r.status).toBe(201);
    return;
  }
  const r = await direct('PATCH', saPath(name), { imagePullSecrets: list.map((n) => ({ name: n })) }, 'application/merge-patch+json');
  expect(r.status).toBe(200);
}

// ---------- the binder: what the project page does ----------

/**
 * The target as the project page has it: useProjectData lists the namespace's ServiceAccounts and workloads (all
 * pages) as TanStack queries, so a failed read is retried under the product's query client policy.
 */
async function readAsThePage(target: BindTarget): Promise<Record<string, unknown>> {
  const qc = createQueryClient();
  const items =
    target.kind === 'ServiceAccount'
      ? (await qc.fetchQuery({ queryKey: ['sa', NS], queryFn: ({ signal }) => serviceAccounts.listAll(ctx, { namespace: NS, signal }) })).items
      : target.kind === 'Deployment'
        ? (await qc.fetchQuery({ queryKey: ['deploy', NS], queryFn: ({ signal }) => deployments.listAll(ctx, { namespace: NS, signal }) })).items
        : [];
  const obj = items.find((o) => o.metadata?.name === target.name);
  if (!obj) throw new Error(`${target.kind} ${NS}/${target.name} not listed`);
  // List items carry no kind; the page sets it (useProjectData, BindPanel).
  return { ...(obj as Record<string, unknown>), kind: target.kind };
}

interface PanelResult {
  /** done: something was written; unchanged: nothing to do (no writes, or every write found it done); failed: a write failed. */
  status: 'done' | 'unchanged' | 'failed';
  plan?: BindingPlan;
  outcomes: WriteOutcome[];
}

/** BindPanel's apply step (ApplyProgress): the reviewed writes through applyStaged with the one executor. */
async function applyAsThePanel(writes: readonly Write[]): Promise<PanelResult> {
  const outcomes = await applyStaged(writes, planExecutor(ctx), { concurrency: 4 });
  const status = outcomes.some((o) => o.status === 'failed') ? 'failed' : outcomes.some((o) => o.status === 'done') ? 'done' : 'unchanged';
  return { status, outcomes };
}

/** One binder: read as the page, plan as BindPanel (planForTarget), apply as ApplyProgress. */
async function bindAsThePanel(target: BindTarget, secretName: string, mode: 'bind' | 'unbind'): Promise<PanelResult> {
  const plan = planForTarget(await readAsThePage(target), target, secretName, mode);
  return { ...(await applyAsThePanel(plan.writes)), plan };
}

beforeAll(async () => {
  proxy = await startProxy(new URL(GATEWAY_URL));
  await useProductApiAs('demo-admin', `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`);
  await direct('DELETE', `/apis/apps/v1/namespaces/${NS}/deployments/${DEPLOYMENT}`);
  const r = await direct('POST', `/apis/apps/v1/namespaces/${NS}/deployments`, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: DEPLOYMENT, namespace: NS },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: DEPLOYMENT } },
      template: { metadata: { labels: { app: DEPLOYMENT } }, spec: { containers: [{ name: 'main', image: 'busybox:1.36' }] } },
    },
  });
  expect(r.status).toBe(201);
});

afterAll(async () => {
  await new Promise<void>((r) => {
    proxy?.close(() => r());
    proxy?.closeAllConnections();
  });
  for (const name of [SA, 'hc-reliability-empty']) await direct('DELETE', saPath(name));
  await direct('DELETE', `/apis/apps/v1/namespaces/${NS}/deployments/${DEPLOYMENT}`);
});

beforeEach(async () => {
  chaos = {};
  counts.dropped = counts.droppedAfter = counts.interfered = 0;
  await resetSa(SA, SEEDED);
  forwarded = [];
});

describe('binding pull secrets through KubeSphere to the real kube-apiserver', () => {
  it('keeps the three pull secrets a ServiceAccount already holds, in order', async () => {
    expect(await saSecrets(SA)).toEqual(SEEDED);
    const r = await bindAsThePanel({ kind: 'ServiceAccount', name: SA }, 'harbor-pull', 'bind');
    expect(r.status).toBe('done');
    expect(await saSecrets(SA)).toEqual([...SEEDED, 'harbor-pull']);
    // Binding again changes nothing: the page plans no write ("already bound").
    const again = await bindAsThePanel({ kind: 'ServiceAccount', name: SA }, 'harbor-pull', 'bind');
    expect(again.status).toBe('unchanged');
    expect(again.plan?.writes).toEqual([]);
    expect(again.plan?.notes.map((n) => n.code)).toContain('already-bound');
    // Sending the first (now stale) write again, as "Retry failed" would: its guard fails, the executor finds it done.
    const resent = await applyAsThePanel(r.outcomes.map((o) => o.write));
    expect(resent.status).toBe('unchanged');
    expect(await saSecrets(SA)).toEqual([...SEEDED, 'harbor-pull']);
  });

  it('binds a ServiceAccount that has no imagePullSecrets at all', async () => {
    await direct('DELETE', saPath('hc-reliability-empty'));
    await direct('POST', `/api/v1/namespaces/${NS}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'hc-reliability-empty', namespace: NS } });
    const r = await bindAsThePanel({ kind: 'ServiceAccount', name: 'hc-reliability-empty' }, 'harbor-pull', 'bind');
    expect(r.status).toBe('done');
    expect(await saSecrets('hc-reliability-empty')).toEqual(['harbor-pull']);
  });

  it('two binders on the same ServiceAccount at once both end up bound', async () => {
    const [a, b] = await Promise.all([
      bindAsThePanel({ kind: 'ServiceAccount', name: SA }, 'binder-a', 'bind'),
      bindAsThePanel({ kind: 'ServiceAccount', name: SA }, 'binder-b', 'bind'),
    ]);
    expect([a.status, b.status]).toEqual(['done', 'done']);
    const list = await saSecrets(SA);
    expect(list.slice(0, 3)).toEqual(SEEDED);
    expect(list.slice(3).sort()).toEqual(['binder-a', 'binder-b']);
  });

  it('ten concurrent binders: all bound, none lost, no duplicates', async () => {
    // Each binder planned from the same read; the executor re-plans a write whose guard failed, within the one
    // retry policy (WRITE_ATTEMPTS, jittered backoff).
    const names = Array.from({ length: 10 }, (_, i) => `many-${i}`);
    const results = await Promise.all(names.map((n) => bindAsThePanel({ kind: 'ServiceAccount', name: SA }, n, 'bind')));
    expect(results.every((r) => r.status === 'done')).toBe(true);
    const list = await saSecrets(SA);
    expect(list.slice(0, 3)).toEqual(SEEDED);
    expect([...list.slice(3)].sort()).toEqual([...names].sort());
    expect(new Set(list).size).toBe(list.length);
  });

  it('a concurrent writer between read and write (422 from the test op) converges without loss', async () => {
    let n = 0;
    chaos.beforeWrite = async (req) => {
      if (!req.url?.includes(`/serviceaccounts/${SA}`) || n >= 3) return;
      n++;
      counts.interfered++;
      // Another client appends its own secret after our read: our guarded patch must fail, not overwrite it.
      const r = await direct('PATCH', saPath(SA), [{ op: 'add', path: '/imagePullSecrets/-', value: { name: `other-${n}` } }], 'application/json-patch+json');
      expect(r.status).toBe(200);
    };
    const r = await bindAsThePanel({ kind: 'ServiceAccount', name: SA }, 'harbor-pull', 'bind');
    expect(r.status).toBe('done');
    // The planned patch and three re-planned ones: three refused by their test op, the fourth lands.
    expect(writeStatuses('PATCH')).toEqual([422, 422, 422, 200]);
    expect(counts.interfered).toBe(3);
    expect(await saSecrets(SA)).toEqual([...SEEDED, 'other-1', 'other-2', 'other-3', 'harbor-pull']);
  });

  it('replace with the read resourceVersion: injected 409s are retried from a fresh read', async () => {
    let n = 0;
    chaos.beforeWrite = async (req) => {
      if (!req.url?.includes(`/serviceaccounts/${SA}`) || n >= 2) return;
      n++;
      await direct('PATCH', saPath(SA), [{ op: 'add', path: '/imagePullSecrets/-', value: { name: `rv-${n}` } }], 'application/json-patch+json');
    };
    const sa = await readAsThePage({ kind: 'ServiceAccount', name: SA });
    const r = await applyAsThePanel(planBindingReplace({ secretName: 'harbor-pull', serviceAccounts: [sa as never] }).writes);
    expect(r.status).toBe('done');
    expect(writeStatuses('PUT')).toEqual([409, 409, 200]);
    expect(await saSecrets(SA)).toEqual([...SEEDED, 'rv-1', 'rv-2', 'harbor-pull']);
  });

  it('dropped connections (before and after the server applied the write) converge without duplicates', async () => {
    let reads = 0;
    let writes = 0;
    // Every third read of ServiceAccounts (the page's list, the executor's re-reads) never reaches the server.
    chaos.dropBefore = (req) => req.method === 'GET' && /\/serviceaccounts(\/|\?|$)/.test(req.url ?? '') && ++reads % 3 === 2;
    // Every first PATCH of a binder lands on the server, but the answer never comes back.
    chaos.dropAfter = (req) => req.method === 'PATCH' && ++writes % 2 === 1;
    const names = ['drop-a', 'drop-b', 'drop-c', 'drop-d'];
    const results = await mapLimit(names, 4, (n) => bindAsThePanel({ kind: 'ServiceAccount', name: SA }, n, 'bind'));
    expect(counts.droppedAfter).toBeGreaterThan(0);
    expect(counts.dropped).toBeGreaterThan(0);
    // A binder whose write landed but whose answer was lost sends it again and finds nothing to do: done or unchanged.
    expect(results.every((r) => r.status !== 'failed')).toBe(true);
    const list = await saSecrets(SA);
    expect(list.slice(0, 3)).toEqual(SEEDED);
    expect([...list.slice(3)].sort()).toEqual(names);
    expect(new Set(list).size).toBe(list.length);
  });

  it('unbind removes only that secret and leaves everything else in order', async () => {
    await resetSa(SA, [...SEEDED, 'harbor-pull', 'zeta']);
    const r = await bindAsThePanel({ kind: 'ServiceAccount', name: SA }, 'legacy-regcred', 'unbind');
    expect(r.status).toBe('done');
    expect(await saSecrets(SA)).toEqual(['dockerhub-mirror', 'quay-readonly', 'harbor-pull', 'zeta']);
    const again = await bindAsThePanel({ kind: 'ServiceAccount', name: SA }, 'legacy-regcred', 'unbind');
    expect(again.status).toBe('unchanged');
    expect(again.plan?.writes).toEqual([]);
  });

  it('unbind racing a concurrent writer keeps the writer’s entry', async () => {
    let n = 0;
    chaos.beforeWrite = async (req) => {
      if (!req.url?.includes(`/serviceaccounts/${SA}`) || n++ > 0) return;
      // Someone inserts at the front: indices shift; the guarded remove must not delete the wrong entry.
      await direct('PATCH', saPath(SA), [{ op: 'add', path: '/imagePullSecrets/0', value: { name: 'front' } }], 'application/json-patch+json');
    };
    const r = await bindAsThePanel({ kind: 'ServiceAccount', name: SA }, 'legacy-regcred', 'unbind');
    expect(r.status).toBe('done');
    expect(await saSecrets(SA)).toEqual(['front', 'dockerhub-mirror', 'quay-readonly']);
  });

  it('binds and unbinds a Deployment template, keeping its other pull secrets', async () => {
    const dp = `/apis/apps/v1/namespaces/${NS}/deployments/${DEPLOYMENT}`;
    await direct('PATCH', dp, { spec: { template: { spec: { imagePullSecrets: [{ name: 'keep-me' }] } } } }, 'application/strategic-merge-patch+json');
    const r = await bindAsThePanel({ kind: 'Deployment', name: DEPLOYMENT }, 'harbor-pull', 'bind');
    expect(r.status).toBe('done');
    expect(r.outcomes[0].write.effects).toEqual(['rolls-workload']);
    const names = async () => ((await direct('GET', dp)).json.spec.template.spec.imagePullSecrets ?? []).map((x: { name: string }) => x.name);
    expect(await names()).toEqual(['keep-me', 'harbor-pull']);
    const u = await bindAsThePanel({ kind: 'Deployment', name: DEPLOYMENT }, 'harbor-pull', 'unbind');
    expect(u.status).toBe('done');
    expect(await names()).toEqual(['keep-me']);
  });
});
