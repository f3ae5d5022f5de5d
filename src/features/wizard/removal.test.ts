// Removing a registry: one path (RegistryMaintenance's RemoveRegistry), phase by phase; a failed write stops it,
// phase 1 waits for the installer's remove-mode rollout, and Cancel cancels.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, setAdapter, type HttpAdapter } from '../../api/client';
import { clusterContext } from '../../api/cluster';
import type { Write } from '../../domain/plan/write';
import { applyStaged, SkippedWriteError } from '../../domain/plan/apply';
import { waitForRemoveMode } from './removal';

const w = (name: string, kind = 'Secret'): Write => ({ action: 'delete', apiVersion: 'v1', kind, namespace: 'demo', name });

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
