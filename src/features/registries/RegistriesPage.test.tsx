// The registries list as KubeSphere's own lists: a search box, Refresh, Add, and a ⋯ menu on every row. Rendered
// from what the page's two queries hold (filled under the page's own keys).
import React from 'react';
import { renderToString } from 'react-dom/server';
import { Route, Routes } from 'react-router-dom';
import { StaticRouter } from 'react-router-dom/server';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { KubedConfigProvider } from '@kubed/components';
import type { Secret } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { queryKeys } from '../../api/queryKeys';
import { buildRegistryRecord, DEFAULT_EXTENSION_NAMESPACE, registryIdFromServerKey } from '../../domain/record';
import type { RegistryListSources } from '../../domain/health';
import { RegistriesPage } from './RegistriesPage';

const SERVERS = ['harbor.example.com', 'mirror.lab.local:5443'];

function render(servers: string[]): string {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const sources: RegistryListSources = {
    records: servers.map((s) => buildRegistryRecord({ serverKey: s, address: s, trustMode: 'manual' }) as Secret),
    managed: [],
    daemonSets: [],
    installerPods: [],
    nodes: [],
    unreadable: [],
  };
  qc.setQueryData(queryKeys.composite.registryList('host'), sources);
  qc.setQueryData(queryKeys.access('host', { verb: 'create', group: '', resource: 'secrets', namespace: DEFAULT_EXTENSION_NAMESPACE }), { allowed: true });
  return renderToString(
    <KubedConfigProvider>
      <QueryClientProvider client={qc}>
        <StaticRouter location="/clusters/host/image-registries">
          <Routes>
            <Route path="/clusters/:cluster/image-registries" element={<RegistriesPage />} />
          </Routes>
        </StaticRouter>
      </QueryClientProvider>
    </KubedConfigProvider>,
  );
}

describe('RegistriesPage', () => {
  it('has the search box, Refresh and Add, and a row menu on every row', () => {
    const html = render(SERVERS);
    expect(html).toContain('data-testid="hc-registries-search"');
    expect(html).toContain('placeholder="HARBOR_CONNECT_REGISTRIES_SEARCH_PLACEHOLDER"');
    expect(html).toContain('data-testid="hc-registries-refresh"');
    expect(html).toMatch(/<button[^>]*data-testid="hc-add-registry"/);
    expect(html).toContain('HARBOR_CONNECT_REGISTRIES_COUNT');
    const rows = [...html.matchAll(/data-testid="hc-registry-row" data-registry="([^"]+)"/g)].map((m) => m[1]);
    expect(rows.sort()).toEqual(SERVERS.map(registryIdFromServerKey).sort());
    const menus = [...html.matchAll(/<button[^>]*data-testid="hc-registry-menu" data-registry="([^"]+)"/g)].map((m) => m[1]);
    expect(menus.sort()).toEqual(rows);
    expect(html).not.toContain('hc-registries-no-match');
  });

  it('without registries, the empty state (no toolbar)', () => {
    const html = render([]);
    expect(html).toContain('data-testid="hc-registries-empty"');
    expect(html).not.toContain('hc-registries-search');
  });
});
