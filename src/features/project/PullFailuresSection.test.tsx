// The project page's failing pods, rendered from what the page's queries hold (the lab story of
// src/domain/binding/restart.test.ts): every failing pod with its cause, and the restart advice for those created
// before default got harbor-pull. The cache is filled under the keys the page's own queries use, so a key that
// drifts from useProjectData's (the section reads the same lists, never twice) shows up here as a missing row.
import React from 'react';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderToString } from 'react-dom/server';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { KubedConfigProvider } from '@kubed/components';
import { describe, expect, it } from 'vitest';
import { clusterContext } from '../../api/cluster';
import { queryKeys } from '../../api/queryKeys';
import { healthKeys } from '../health/sources';
import { PULL_SECRET_SELECTORS } from '../binding/useProjectData';
import { PullFailuresSection } from './PullFailuresSection';

const dir = join(__dirname, '..', '..', 'domain', 'binding', '__fixtures__');
const read = (n: string) => JSON.parse(readFileSync(join(dir, n), 'utf8'));
const NS = 'demo';
const cluster = clusterContext('host', false);

function render(fill: (qc: QueryClient) => void): string {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const list = (resource: string, items: unknown[], params: Record<string, unknown> = { all: true }) =>
    qc.setQueryData(queryKeys.list(cluster.name, resource, NS, params), { metadata: {}, items });
  list('secrets', read('restart-secrets.json').items, { fieldSelector: PULL_SECRET_SELECTORS.join('|'), all: true });
  list('serviceaccounts', read('restart-serviceaccounts.json').items);
  list('deployments', read('restart-workloads.json').deployments);
  list('statefulsets', read('restart-workloads.json').statefulSets);
  for (const r of ['daemonsets', 'jobs', 'cronjobs']) list(r, []);
  list('pods', read('restart-pods.json').items);
  list('replicasets', read('restart-replicasets.json').items);
  qc.setQueryData(healthKeys.events(cluster.name, NS), { ok: true, items: read('restart-events.json').items });
  fill(qc);
  return renderToString(
    <KubedConfigProvider>
      <QueryClientProvider client={qc}>
        <PullFailuresSection cluster={cluster} namespace={NS} />
      </QueryClientProvider>
    </KubedConfigProvider>,
  );
}

describe('PullFailuresSection', () => {
  it('lists the failing pods with their cause, and says to restart those created before the binding', () => {
    const html = render(() => undefined);
    const rows = [...html.matchAll(/data-testid="hc-pull-failure-row" data-pod="([^"]+)" data-cause="([^"]+)"/g)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual([
      ['busybox-app-988668bcd-s9bdf', 'created-before-binding'],
      ['busybox-app-988668bcd-x2k7p', 'created-before-binding'],
      ['cache-0', 'created-before-binding'],
      ['debug', 'created-before-binding'],
      ['legacy-5c9d8f7b6-qw8rt', 'legacy-cn'],
      ['tools', 'unauthorized'],
      ['web-7b795d4bff-jf2sc', 'unauthorized'],
    ]);
    expect(html).toContain('data-testid="hc-restart-advice"');
    expect(html).toContain('HARBOR_CONNECT_RESTART_ADVICE_TITLE');
    const workloads = [...html.matchAll(/data-testid="hc-restart-workload" data-kind="([^"]+)" data-name="([^"]+)" data-method="([^"]+)"/g)].map((m) => m.slice(1).join(' '));
    expect(workloads).toEqual(['Deployment busybox-app rollout-restart', 'StatefulSet cache rollout-restart', 'Pod debug delete-bare']);
    expect(html).toContain('data-testid="hc-restart-open"');
    expect(html).toContain('HARBOR_CONNECT_DIAG_UNAUTHORIZED_FIX');
    expect(html).not.toContain('hc-pull-failures-none');
  });

  it('says nothing fails when no pod fails, and gives no advice', () => {
    const html = render((qc) => qc.setQueryData(queryKeys.list(cluster.name, 'pods', NS, { all: true }), { metadata: {}, items: [] }));
    expect(html).toContain('data-testid="hc-pull-failures-none"');
    expect(html).not.toContain('hc-restart-advice');
  });
});
