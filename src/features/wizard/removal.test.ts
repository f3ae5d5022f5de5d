// Removing a registry: one path (RegistryMaintenance's RemoveRegistry), phase by phase; a failed write stops it,
// phase 1 waits for the installer's remove-mode rollout, and Cancel cancels.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, setAdapter, type HttpAdapter } from '../../api/client';
import { clusterContext } from '../../api/cluster';
import type { Write, WriteOutcome } from '../../domain/plan/write';
import { applyStaged, SkippedWriteError } from '../../domain/plan/apply';
import { waitForRemoveMode } from './removal';
import { removalReducer, type RemovalEvent, type RemovalShape, type RemovalState } from '../../domain/wizard/removal';

const w = (name: string, kind = 'Secret'): Write => ({ action: 'delete', apiVersion: 'v1', kind, namespace: 'demo', name });
const ok = (x: Write): WriteOutcome => ({ status: 'done', write: x });
const failed = (x: Write): WriteOutcome => ({ status: 'failed', write: x, error: new Error('boom') });

function play(shape: RemovalShape, events: RemovalEvent[]): RemovalState {
  return events.reduce<RemovalState>((s, e) => removalReducer(shape, s, e), { kind: 'review' });
}
const shape: RemovalShape = { phases: 2, waitForInstaller: true };

describe('removalReducer', () => {
  it('runs phase 0, waits for the remove-mode rollout, then phase 1, then is done', () => {
    expect(play(shape, [{ type: 'start' }])).toEqual({ kind: 'phase', phase: 0 });
    const after0 = play(shape, [{ type: 'start' }, { type: 'phase-finished', phase: 0, outcomes: [ok(w('sa', 'ServiceAccount'))] }]);
    expect(after0).toEqual({ kind: 'waiting' });
    // Phase 1 (deleting the DaemonSet and the Secrets) never starts before the rollout.
    expect(removalReducer(shape, after0, { type: 'phase-finished', phase: 1, outcomes: [] })).toEqual({ kind: 'waiting' });
    const after1 = removalReducer(shape, after0, { type: 'rolled-out' });
    expect(after1).toEqual({ kind: 'phase', phase: 1 });
    expect(removalReducer(shape, after1, { type: 'phase-finished', phase: 1, outcomes: [ok(w('s'))] })).toEqual({ kind: 'removed' });
  });

  it('stops on a failed write: nothing of the next phase runs until a retry succeeds', () => {
    const stopped = play(shape, [{ type: 'start' }, { type: 'phase-finished', phase: 0, outcomes: [ok(w('a')), failed(w('b'))] }]);
    expect(stopped).toEqual({ kind: 'phase', phase: 0, stopped: true });
    expect(removalReducer(shape, stopped, { type: 'rolled-out' })).toEqual(stopped);
    // "Retry failed" in the same phase finishes it: then it goes on.
    expect(removalReducer(shape, stopped, { type: 'phase-finished', phase: 0, outcomes: [ok(w('a')), ok(w('b'))] })).toEqual({ kind: 'waiting' });
  });

  it('Cancel cancels: before the start, while waiting, during a phase; nothing advances afterwards', () => {
    expect(play(shape, [{ type: 'cancel' }, { type: 'start' }])).toEqual({ kind: 'cancelled', at: 'review' });
    const waitingCancelled = play(shape, [{ type: 'start' }, { type: 'phase-finished', phase: 0, outcomes: [] }, { type: 'cancel' }, { type: 'rolled-out' }]);
    expect(waitingCancelled).toEqual({ kind: 'cancelled', at: 'waiting' });
    const midPhase = play(shape, [{ type: 'start' }, { type: 'cancel' }, { type: 'phase-finished', phase: 0, outcomes: [ok(w('a'))] }]);
    expect(midPhase).toEqual({ kind: 'cancelled', at: 'phase' });
  });

  it('a rollout that does not finish in time asks: going on is the user\'s choice', () => {
    const t = play(shape, [{ type: 'start' }, { type: 'phase-finished', phase: 0, outcomes: [] }, { type: 'rollout-timeout' }]);
    expect(t).toEqual({ kind: 'wait-timeout' });
    expect(removalReducer(shape, t, { type: 'continue-anyway' })).toEqual({ kind: 'phase', phase: 1 });
    expect(removalReducer(shape, t, { type: 'cancel' })).toEqual({ kind: 'cancelled', at: 'wait-timeout' });
  });

  it('without an installer there is no wait; a single phase ends removed', () => {
    expect(play({ phases: 2, waitForInstaller: false }, [{ type: 'start' }, { type: 'phase-finished', phase: 0, outcomes: [] }])).toEqual({ kind: 'phase', phase: 1 });
    expect(play({ phases: 1, waitForInstaller: false }, [{ type: 'start' }, { type: 'phase-finished', phase: 0, outcomes: [] }])).toEqual({ kind: 'removed' });
  });
});

describe('waitForRemoveMode', () => {
  const ds = (updated: number, observed = 2) => ({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'hc-trust-r', namespace: 'extension-harbor-connect', uid: 'ds-uid', generation: 2 },
    spec: { selector: { matchLabels: { 'harbor-connect.kubesphere.io/registry': 'r' } }, template: {} },
    status: { observedGeneration: observed, desiredNumberScheduled: 2, updatedNumberScheduled: updated },
  });
  const pod = (name: string, mode: string) => ({
    metadata: { name, annotations: { 'harbor-connect.kubesphere.io/installer-mode': mode }, ownerReferences: [{ uid: 'ds-uid', kind: 'DaemonSet', name: 'hc-trust-r' }] },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  });
  let answers: Array<{ ds: unknown; pods: unknown[] }> = [];
  let saved: HttpAdapter;
  let polls = 0;
  beforeAll(() => {
    saved = http().defaults.adapter;
    setAdapter(async (config) => {
      const a = answers[Math.min(polls, answers.length - 1)]!;
      let data: unknown;
      let status = 200;
      if (/daemonsets/.test(config.url ?? '')) {
        data = a.ds ?? { kind: 'Status', code: 404, reason: 'NotFound' };
        status = a.ds ? 200 : 404;
      } else {
        data = { items: a.pods };
        polls++;
      }
      if (status >= 400) throw Object.assign(new Error('nf'), { response: { status, data }, config });
      return { data, status, statusText: '', headers: {}, config } as never;
    });
  });
  afterAll(() => setAdapter(saved));
  const cluster = clusterContext('host', true);
  const noSleep = () => Promise.resolve();

  it('waits until every pod runs remove mode and is ready', async () => {
    polls = 0;
    answers = [
      { ds: ds(0), pods: [pod('a', 'install'), pod('b', 'install')] },
      { ds: ds(1), pods: [pod('a', 'remove'), pod('b', 'install')] },
      { ds: ds(2), pods: [pod('a', 'remove'), pod('b', 'remove')] },
    ];
    await expect(waitForRemoveMode(cluster, { registryId: 'r', namespace: 'extension-harbor-connect' }, { sleep: noSleep })).resolves.toBe('rolled-out');
    expect(polls).toBe(3);
  });

  it('times out (never decides alone to go on), and stops when cancelled', async () => {
    polls = 0;
    answers = [{ ds: ds(0), pods: [pod('a', 'install')] }];
    let t = 0;
    const now = () => (t += 60_000);
    await expect(waitForRemoveMode(cluster, { registryId: 'r', namespace: 'extension-harbor-connect' }, { sleep: noSleep, now, timeoutMs: 300_000 })).resolves.toBe('timeout');
    const ctl = new AbortController();
    ctl.abort();
    await expect(waitForRemoveMode(cluster, { registryId: 'r', namespace: 'extension-harbor-connect' }, { signal: ctl.signal })).resolves.toBe('cancelled');
  });

  it('a DaemonSet already gone needs no wait', async () => {
    polls = 0;
    answers = [{ ds: undefined, pods: [] }];
    await expect(waitForRemoveMode(cluster, { registryId: 'r', namespace: 'extension-harbor-connect' }, { sleep: noSleep })).resolves.toBe('rolled-out');
  });
});

describe('applying a phase', () => {
  it('stopOnFailure: a later stage is not sent when an earlier one failed; retry sends it', async () => {
    const secret = w('s');
    const bind: Write = { action: 'patch', apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'demo', name: 'default', patch: [] };
    const sent: string[] = [];
    let fail = true;
    const exec = async (x: Write) => {
      sent.push(x.name);
      if (x.name === 's' && fail) throw new Error('denied');
      return {};
    };
    const stage = (x: Write) => (x.kind === 'Secret' ? 0 : 1);
    const first = await applyStaged([secret, bind], exec, { stage, concurrency: 2, stopOnFailure: true });
    expect(sent).toEqual(['s']);
    expect(first[1]).toMatchObject({ status: 'failed' });
    expect((first[1] as { error: unknown }).error).toBeInstanceOf(SkippedWriteError);
    fail = false;
    const again = await applyStaged([secret, bind], exec, { stage, concurrency: 2, previous: first, stopOnFailure: true });
    expect(again.map((o) => o.status)).toEqual(['done', 'done']);
    expect(sent).toEqual(['s', 's', 'default']);
  });

  it('a cancelled phase sends nothing more', async () => {
    const ctl = new AbortController();
    const sent: string[] = [];
    const exec = async (x: Write) => {
      sent.push(x.name);
      ctl.abort();
      return {};
    };
    const out = await applyStaged([w('a'), w('b'), w('c')], exec, { concurrency: 1, signal: ctl.signal });
    expect(sent).toEqual(['a']);
    expect(out.map((o) => o.status)).toEqual(['done', 'failed', 'failed']);
  });
});

describe('one removal path', () => {
  it('only RegistryMaintenance plans a removal, and the detail page uses its RemoveRegistry', () => {
    const src = join(__dirname, '..', '..');
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => {
        const p = join(dir, f);
        return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) ? [p] : [];
      });
    const users = files(src).filter((f) => /planRegistryRemoval\(/.test(readFileSync(f, 'utf8'))).map((f) => relative(src, f));
    expect(users.sort()).toEqual([join('features', 'wizard', 'RegistryMaintenance.tsx'), join('domain', 'wizard', 'plan.ts')].sort());
    const detail = readFileSync(join(src, 'features', 'registries', 'RegistryDetailPage.tsx'), 'utf8');
    expect(detail).toMatch(/import \{[^}]*\bRemoveRegistry\b[^}]*\} from '\.\.\/wizard\/RegistryMaintenance'/);
    expect(detail).not.toMatch(/function RemoveRegistry/);
  });
});
