// The project page's sections about the cluster administrator's registries and someone else's pull secrets,
// server-rendered on the lab's demo project (effects do not run: no check is sent), with the test ids e2e uses.
import React from 'react';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderToString } from 'react-dom/server';
import { KubedConfigProvider } from '@kubed/components';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Secret, ServiceAccount } from 'kubernetes-types/core/v1';
import { clusterContext } from '../../api/cluster';
import type { ProjectWorkload } from '../../domain/binding/project';
import { locales } from '../../i18n/locales';
import { LANG_KEY, setPageStrings } from '../../i18n/t';
import { ClusterRegistries } from './ClusterRegistries';
import { LegacyPullSecrets } from './LegacyPullSecrets';

const demo = JSON.parse(readFileSync(join(__dirname, '..', '..', 'domain', 'binding', '__fixtures__', 'project-demo.json'), 'utf8')) as {
  secrets: Secret[];
  serviceAccounts: ServiceAccount[];
  workloads: Array<Record<string, any>>;
};
const workloads: ProjectWorkload[] = demo.workloads.map((o) => ({ kind: o.kind, name: o.metadata.name, obj: o as never }));
// The English strings, as the console resolves them once a page has loaded.
beforeAll(() => {
  setPageStrings(locales);
  vi.stubGlobal('t', (key: string) => (key === LANG_KEY ? 'en' : key));
});
afterAll(() => {
  setPageStrings(undefined);
  vi.unstubAllGlobals();
});
const html = (el: React.ReactElement) => renderToString(<KubedConfigProvider>{el}</KubedConfigProvider>);

describe('ClusterRegistries', () => {
  it('shows the registry, who connected it and who uses it, read-only, with the cluster administrator sentence', () => {
    const out = html(<ClusterRegistries namespace="demo" secrets={demo.secrets} serviceAccounts={demo.serviceAccounts} workloads={workloads} />);
    expect(out).toContain('data-testid="hc-cluster-registries-note"');
    expect(out).toContain('A cluster administrator manages these registries');
    expect(out).toContain('data-registry="harbor-lab-local-5443"');
    expect(out).toContain('harbor.lab.local:5443');
    expect(out).toMatch(/data-testid="hc-cluster-registry-by"[^>]*>admin</);
    expect(out).toContain('ServiceAccount default');
    expect(out).not.toContain('data-secret="e2e-project-pull"');
  });

  it('says when no cluster administrator connected one', () => {
    const out = html(<ClusterRegistries namespace="demo" secrets={[]} serviceAccounts={[]} workloads={[]} />);
    expect(out).toContain('data-testid="hc-cluster-registries-none"');
  });
});

describe('LegacyPullSecrets', () => {
  it('names legacy-regcred and its users; nothing is sent while rendering', () => {
    const fetchSpy = vi.fn();
    const realFetch = globalThis.fetch;
    globalThis.fetch = fetchSpy as never;
    const out = html(
      <LegacyPullSecrets cluster={clusterContext('host', true)} namespace="demo" secrets={demo.secrets} serviceAccounts={demo.serviceAccounts} workloads={workloads} onBindPanel={() => undefined} />,
    );
    globalThis.fetch = realFetch;
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(out).toContain('legacy-regcred also holds credentials for harbor.lab.local:5443');
    expect(out).toContain('created by admin');
    expect(out).toContain('data-secret="legacy-regcred"');
    expect(out).toContain('data-testid="hc-legacy-check"');
    expect(out).toContain('ServiceAccount builder; StatefulSet cache');
    expect(out).not.toContain('data-secret="dockerhub-mirror"');
  });

  it('renders nothing when no pull secret of someone else serves a registry of ours', () => {
    const foreign = demo.secrets.filter((s) => !s.metadata?.labels?.['app.kubernetes.io/managed-by']);
    const out = html(<LegacyPullSecrets cluster={clusterContext('host', true)} namespace="demo" secrets={foreign} serviceAccounts={[]} workloads={[]} onBindPanel={() => undefined} />);
    expect(out).not.toContain('hc-legacy');
  });
});
