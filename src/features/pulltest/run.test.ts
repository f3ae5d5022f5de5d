// The one pull-test engine (runPullTestPods) against a scripted API: what each poll reads, when a run ends and on
// what verdict, what it deletes whatever the ending; and both runners (the wizard's credential check and the
// per-node test) going through it.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { http, setAdapter, type HttpAdapter } from '../../api/client';
import { clusterContext } from '../../api/cluster';
import { pendingPageHideDeletes } from '../../api/ephemeral';
import { planPullTest } from '../../domain/pulltest';
import { normalizeRegistryAddress } from '../../domain/registry';
import { runPullTest } from '../wizard/verify';
import { runPullTestPods, type PullTestProgress } from './run';
import { runPullTestOnNodes, type PullTestRunState } from './usePullTest';
import { activePullTestRuns } from './engine';

vi.mock('./run', async (importOriginal) => {
  const real = await importOriginal<typeof import('./run')>();
  return { ...real, runPullTestPods: vi.fn(real.runPullTestPods) };
});

interface Req {
  method: string;
  url: string;
  body?: any;
}
/** One poll's answer: the run's pods (or a status to fail with, or a dropped connection) and their events. */
interface Poll {
  pods: unknown[] | number | 'drop';
  events?: unknown[];
}
let reqs: Req[] = [];
let polls: Poll[] = [];
let podReads = 0;
let eventReads = 0;
let failCreate: ((body: any) => number | 'drop' | undefined) | undefined;
let failDelete: RegExp | undefined;
/** Instead of `polls`: the pods of whichever run asks (its id is in the label selector), all pulled. */
let podsOfAnyRun: ((runId: string) => ReturnType<typeof pod>[]) | undefined;
let lastRun = '';
let saved: HttpAdapter;

beforeAll(() => {
  saved = http().defaults.adapter;
  setAdapter(async (config) => {
    const method = (config.method ?? 'get').toUpperCase();
    const url = decodeURIComponent(config.url ?? '');
    const body = config.data ? JSON.parse(String(config.data)) : undefined;
    reqs.push({ method, url, body });
    const reply = (data: unknown, status = 200) => {
      if (status >= 400) throw Object.assign(new Error(String(status)), { response: { status, data: { kind: 'Status', code: status, message: `status ${status}` } }, config });
      return { data, status, statusText: '', headers: {}, config } as never;
    };
    const drop = () => {
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', config });
    };
    if (method === 'POST') {
      const f = failCreate?.(body);
      if (f === 'drop') return drop();
      if (f) return reply({}, f);
      return reply({ ...body, metadata: { ...body.metadata, uid: `uid-${body.metadata.name}` } }, 201);
    }
    if (method === 'DELETE') return failDelete?.test(url) ? reply({}, 500) : reply({});
    const runId = /\/pods\?.*pull-test=([a-z0-9]+)/.exec(url)?.[1];
    if (podsOfAnyRun && runId) lastRun = runId;
    const pulledPods = () => podsOfAnyRun!(lastRun);
    const poll = (n: number): Poll =>
      podsOfAnyRun
        ? { pods: pulledPods(), events: pulledPods().map((p, i) => ev(p.metadata.name, 'Pulled', 'Successfully pulled image "x"', '2026-12-03T07:42:48Z', String(i + 1))) }
        : polls[Math.min(n, polls.length - 1)]!;
    if (/\/pods\?/.test(url)) {
      const p = poll(podReads++).pods;
      if (p === 'drop') return drop();
      return typeof p === 'number' ? reply({}, p) : reply({ items: p });
    }
    if (/\/events/.test(url)) return reply({ items: poll(eventReads++).events ?? [] });
    return reply({}, 404);
  });
});
afterAll(() => setAdapter(saved));
beforeEach(() => {
  reqs = [];
  polls = [];
  podReads = eventReads = 0;
  failCreate = undefined;
  failDelete = undefined;
  podsOfAnyRun = undefined;
  vi.mocked(runPullTestPods).mockClear();
});

const cluster = clusterContext('host', true);
const address = (() => {
  const r = normalizeRegistryAddress('harbor.example.com');
  if (!r.ok) throw new Error('address');
  return r.value;
})();
const IMAGE = 'harbor.example.com/library/busybox:latest';
const UNAUTHORIZED = 'Failed to pull image "x": pulling from host harbor.example.com failed with status code [manifests latest]: 401 Unauthorized';

const pod = (name: string, status: Record<string, unknown> = { phase: 'Pending' }) => ({ metadata: { name, namespace: 'demo', uid: `uid-${name}` }, spec: { nodeName: 'node-1' }, status });
const backOff = (reason: string, message?: string) => ({ phase: 'Pending', containerStatuses: [{ name: 'pull', state: { waiting: { reason, ...(message ? { message } : {}) } } }] });
const ev = (podName: string, reason: string, message: string, time: string, rv: string, count = 1) => ({
  metadata: { name: `${podName}.${reason}.${rv}`, resourceVersion: rv },
  involvedObject: { kind: 'Pod', name: podName },
  reason,
  message,
  type: reason === 'Failed' || reason === 'FailedToRetrieveImagePullSecret' ? 'Warning' : 'Normal',
  lastTimestamp: time,
  count,
});
const spec = (runId: string, nodes: string[] | 'any', more: { timeLimitMs?: number } = {}) => ({
  namespace: 'demo',
  registryId: 'harbor-example-com',
  runId,
  pods: planPullTest({ namespace: 'demo', image: IMAGE, secretName: 'harbor-pull', nodes, runId, registryId: 'harbor-example-com' }),
  timeLimitMs: more.timeLimitMs ?? 5_000,
  pollMs: 5,
});
const deletes = () => reqs.filter((r) => r.method === 'DELETE').map((r) => [r.url.replace('/clusters/host/api/v1/namespaces/demo/', ''), r.body?.preconditions?.uid]);

describe('runPullTestPods', () => {
  it('waits for the current attempt when its "Pulling" was written after every failure, and settles on that attempt\'s outcome', async () => {
    const name = 'hc-pulltest-r1wait';
    // The first attempt ran without the pull secret (kubelet's cache) and got 401; the retry is pulling.
    const first = [
      ev(name, 'FailedToRetrieveImagePullSecret', 'Unable to retrieve some image pull secrets (harbor-pull); attempting to pull the image may not succeed.', '2026-12-03T07:42:34Z', '3320'),
      ev(name, 'Failed', UNAUTHORIZED, '2026-12-03T07:42:35Z', '3332'),
      ev(name, 'Pulling', 'Pulling image "x"', '2026-12-03T07:42:48Z', '3375', 2),
    ];
    polls = [
      { pods: [pod(name, backOff('ImagePullBackOff', 'Back-off pulling image "x"'))], events: first },
      { pods: [pod(name, backOff('ImagePullBackOff'))], events: [...first, ev(name, 'Pulled', 'Successfully pulled image "x" in 43ms', '2026-12-03T07:42:48Z', '3376')] },
    ];
    const seen: PullTestProgress[] = [];
    const run = await runPullTestPods(cluster, spec('r1wait', 'any'), { onProgress: (p) => seen.push(p) });
    expect(run.end).toBe('settled');
    expect(run.outcomes.map((o) => o.result.state)).toEqual(['pulled']);
    expect(seen.map((p) => [p.phase, p.outcomes.map((o) => `${o.result.state}:${o.result.reason}`).join()])).toEqual([
      ['running', ''],
      ['running', 'pending:Pulling'],
      ['running', 'pulled:Pulled'],
      ['cleaning', 'pulled:Pulled'],
    ]);
    expect(deletes()).toEqual([[`pods/${name}`, `uid-${name}`]]);
    expect(activePullTestRuns.has('r1wait')).toBe(false);
  });

  it('a first attempt refused while kubelet could not read the pull secret is kept as the verdict if no retry comes before the time limit', async () => {
    const name = 'hc-pulltest-r2secret';
    const events = [
      ev(name, 'FailedToRetrieveImagePullSecret', 'Unable to retrieve some image pull secrets (hc-pulltest-r2secret); attempting to pull the image may not succeed.', '2026-12-02T18:46:00Z', '10'),
      ev(name, 'Pulling', 'Pulling image "x"', '2026-12-02T18:46:05Z', '11'),
      ev(name, 'Failed', UNAUTHORIZED, '2026-12-02T18:46:06Z', '12'),
    ];
    polls = [{ pods: [pod(name, backOff('ErrImagePull', UNAUTHORIZED))], events }];
    const run = await runPullTestPods(cluster, spec('r2secret', 'any', { timeLimitMs: 30 }));
    expect(run.end).toBe('timeout');
    expect(run.secretUnavailable[name]).toMatchObject({ result: { state: 'failed', reason: 'FailedToRetrieveImagePullSecret' }, diagnosis: { cause: 'pull-secret-unavailable' } });
    // The wizard's verdict on it: failed, with that diagnosis (not "timeout").
    polls = [{ pods: [pod(name, backOff('ErrImagePull', UNAUTHORIZED))], events }];
    podReads = eventReads = 0;
    const out = await runPullTest(cluster, { namespace: 'demo', address, image: IMAGE, registryId: 'harbor-example-com', username: 'u', password: 'p', runId: 'r2secret', timeoutMs: 0 });
    expect(out).toMatchObject({ state: 'failed', node: 'node-1', diagnosis: { cause: 'pull-secret-unavailable' } });
    // A pod that stays pending for any other reason: "timeout".
    polls = [{ pods: [pod(name, backOff('ContainerCreating'))], events: [] }];
    podReads = eventReads = 0;
    await expect(runPullTest(cluster, { namespace: 'demo', address, image: IMAGE, registryId: 'harbor-example-com', username: 'u', password: 'p', runId: 'r2secret', timeoutMs: 0 })).resolves.toEqual({ state: 'timeout' });
  });

  it('several pods: settled only once every planned pod is listed and none is pending; at the time limit a pending pod counts as failed', async () => {
    const [a, b] = ['hc-pulltest-r3multi-node-1', 'hc-pulltest-r3multi-node-2'];
    const pulled = (n: string) => ev(n, 'Pulled', 'Successfully pulled image "x"', '2026-12-03T07:42:48Z', n.endsWith('1') ? '1' : '2');
    polls = [{ pods: [pod(a)], events: [pulled(a)] }, { pods: [pod(a), pod(b)], events: [pulled(a)] }, { pods: [pod(a), pod(b)], events: [pulled(a), pulled(b)] }];
    const run = await runPullTestPods(cluster, spec('r3multi', ['node-1', 'node-2']));
    expect(run.end).toBe('settled');
    expect(podReads).toBe(3);
    expect(run.outcomes.map((o) => o.result.state)).toEqual(['pulled', 'pulled']);
    // Events are the namespace's, kept to the run's pods (another run's are not this run's).
    expect(reqs.filter((r) => /\/events/.test(r.url)).every((r) => !r.url.includes('fieldSelector'))).toBe(true);
    expect(deletes().map(([u]) => u).sort()).toEqual([`pods/${a}`, `pods/${b}`]);

    polls = [{ pods: [pod(a), pod(b)], events: [pulled(a)] }];
    podReads = eventReads = 0;
    const late = await runPullTestPods(cluster, spec('r3multi', ['node-1', 'node-2'], { timeLimitMs: 40 }));
    expect(late.end).toBe('timeout');
    expect(late.outcomes.map((o) => o.result.state)).toEqual(['pulled', 'failed']);
  });

  it('a pod read the cluster did not answer is tried again; any other failure ends the run, which still deletes its pods', async () => {
    const name = 'hc-pulltest-r4read';
    polls = [{ pods: 'drop' }, { pods: 503 }, { pods: [pod(name)], events: [ev(name, 'Pulled', 'Successfully pulled image "x"', '2026-12-03T07:42:48Z', '1')] }];
    await expect(runPullTestPods(cluster, spec('r4read', 'any'))).resolves.toMatchObject({ end: 'settled' });
    polls = [{ pods: 403 }];
    podReads = eventReads = 0;
    reqs = [];
    const run = await runPullTestPods(cluster, spec('r4read', 'any'));
    expect(run).toMatchObject({ end: 'error', error: { code: 403 } });
    expect(deletes()).toEqual([[`pods/${name}`, `uid-${name}`]]);
  });

  it('a failed create ends the run: what was created is deleted by uid, a create that got no answer by name, a refused one not at all', async () => {
    failCreate = (body) => (body.spec?.nodeName === 'node-2' ? 403 : body.spec?.nodeName === 'node-3' ? 'drop' : undefined);
    const seen: PullTestProgress[] = [];
    const run = await runPullTestPods(cluster, spec('r5create', ['node-1', 'node-2', 'node-3']), { onProgress: (p) => seen.push(p) });
    expect(run).toMatchObject({ end: 'error', error: { code: 403 }, cleanupFailures: [] });
    expect(podReads).toBe(0);
    expect(seen).toEqual([]);
    expect(deletes()).toEqual([
      ['pods/hc-pulltest-r5create-node-1', 'uid-hc-pulltest-r5create-node-1'],
      ['pods/hc-pulltest-r5create-node-3', undefined],
    ]);
  });

  it('cancelled mid-run: stops following and still deletes the pods', async () => {
    const name = 'hc-pulltest-r6abort';
    polls = [{ pods: [pod(name)], events: [] }];
    const ac = new AbortController();
    const run = await runPullTestPods(cluster, spec('r6abort', 'any'), {
      signal: ac.signal,
      onProgress: (p) => {
        if (p.pods.length) ac.abort();
      },
    });
    expect(run.end).toBe('aborted');
    expect(deletes()).toEqual([[`pods/${name}`, `uid-${name}`]]);
    expect(activePullTestRuns.has('r6abort')).toBe(false);
  });

  it('a temporary Secret (credentials): created first with the pull-test labels, deleted after the pod; a delete that keeps failing is reported and stays registered for pagehide', async () => {
    const name = 'hc-pulltest-r7secret';
    polls = [{ pods: [pod(name)], events: [ev(name, 'Pulled', 'Successfully pulled image "x"', '2026-12-03T07:42:48Z', '1')] }];
    failDelete = /\/secrets\//;
    const before = pendingPageHideDeletes();
    const run = await runPullTestPods(cluster, { ...spec('r7secret', 'any'), credentials: { server: address, username: 'robot$ci', password: 's3cret' } });
    const posts = reqs.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.url.split('?')[0]!.split('/').pop())).toEqual(['secrets', 'pods']);
    expect(posts[0]!.body.metadata).toMatchObject({ name, labels: { 'app.kubernetes.io/component': 'pull-test', 'harbor-connect.kubesphere.io/pull-test': 'r7secret' } });
    expect(reqs.filter((r) => r.method === 'DELETE').map((r) => r.url.split('/').slice(-2).join('/'))).toEqual([`pods/${name}`, `secrets/${name}`, `secrets/${name}`, `secrets/${name}`]);
    expect(run.cleanupFailures).toEqual([{ kind: 'Secret', name, message: 'status 500' }]);
    expect(pendingPageHideDeletes()).toBe(before + 1);
  });
});

describe('both runners go through the one engine', () => {
  it('the wizard\'s credential check (one pod, a temporary Secret) and the per-node test (a pod per node)', async () => {
    polls = [{ pods: [pod('hc-pulltest-r8wiz')], events: [ev('hc-pulltest-r8wiz', 'Pulled', 'Successfully pulled image "x"', '2026-12-03T07:42:48Z', '1')] }];
    await expect(runPullTest(cluster, { namespace: 'demo', address, image: IMAGE, registryId: 'harbor-example-com', username: 'u', password: 'p', runId: 'r8wiz' })).resolves.toMatchObject({ state: 'pulled' });
    expect(vi.mocked(runPullTestPods)).toHaveBeenCalledTimes(1);
    expect(vi.mocked(runPullTestPods).mock.calls[0]![1]).toMatchObject({ runId: 'r8wiz', pods: [{ name: 'hc-pulltest-r8wiz' }], credentials: { username: 'u' }, timeLimitMs: 90_000 });

    const nodePods = (runId: string) => ['node-1', 'node-2'].map((n) => pod(`hc-pulltest-${runId}-${n}`));
    const states: PullTestRunState[] = [];
    let state: PullTestRunState = { phase: 'idle', pods: [], events: [], outcomes: [] };
    // The run id is made inside: answer every run's pods as pulled, whatever its id.
    podsOfAnyRun = nodePods;
    const end = await runPullTestOnNodes(
      { cluster, registryId: 'harbor-example-com', namespace: 'demo', image: IMAGE, secretName: 'harbor-pull', nodes: ['node-1', 'node-2'], deadlineSeconds: 30 },
      { onState: (update) => states.push((state = update(state))) },
    );
    expect(end).toBe('done');
    expect(vi.mocked(runPullTestPods)).toHaveBeenCalledTimes(2);
    expect(vi.mocked(runPullTestPods).mock.calls[1]![1]).toMatchObject({
      pods: [{ name: expect.stringMatching(/-node-1$/) }, { name: expect.stringMatching(/-node-2$/) }],
      timeLimitMs: 40_000,
      pollMs: 1000,
    });
    expect(vi.mocked(runPullTestPods).mock.calls[1]![1].credentials).toBeUndefined();
    expect(states.map((s) => s.phase)).toEqual(['starting', 'running', 'running', 'cleaning', 'done']);
    expect(state.outcomes.map((o) => o.result.state)).toEqual(['pulled', 'pulled']);
  });
});
