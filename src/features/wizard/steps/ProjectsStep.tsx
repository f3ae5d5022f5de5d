import React, { useMemo, useState } from 'react';
import { Input } from '@kubed/components';
import { useQuery } from '@tanstack/react-query';
import { listMyProjects, queryKeys, WORKSPACE_LABEL, type Namespace } from '../../../api';
import { tr } from '../../../i18n/t';
import { Spinner } from '../../../components/Spinner';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { Field, inputStyle } from '../ui';
import type { StepProps } from './types';
import { validateDns1123Label } from '../../../domain/names';
import { colors } from '../../../components/theme';

export function ProjectsStep({ state, dispatch, cluster }: StepProps) {
  const q = useQuery(queryKeys.composite.myProjects(cluster.name), ({ signal }) => listMyProjects(cluster, { signal, limit: 500 }));
  const [search, setSearch] = useState('');
  const groups = useMemo(() => {
    const by = new Map<string, string[]>();
    for (const n of (q.data?.items ?? []) as Namespace[]) {
      const name = n.metadata?.name ?? '';
      if (!name) continue;
      const ws = n.metadata?.labels?.[WORKSPACE_LABEL] ?? '';
      if (!by.has(ws)) by.set(ws, []);
      by.get(ws)!.push(name);
    }
    return [...by.entries()].sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b))).map(([ws, ps]) => [ws, ps.sort()] as const);
  }, [q.data]);
  const s = search.trim().toLowerCase();
  const selected = new Set(state.projects);
  const nameErrors = validateDns1123Label(state.secretName);

  return (
    <div data-testid="hc-step-projects">
      <Field label={tr('HARBOR_CONNECT_WIZARD_PROJECTS')} help={tr('HARBOR_CONNECT_WIZARD_PROJECTS_HELP', { count: state.projects.length })} testId="hc-projects-field">
        <Input value={search} placeholder={tr('HARBOR_CONNECT_WIZARD_PROJECTS_SEARCH')} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setSearch(e.target.value)} style={inputStyle} data-testid="hc-project-search" />
        {q.isLoading ? <Spinner /> : null}
        {q.isError ? <ErrorAlert error={q.error} /> : null}
        <div style={{ border: `1px solid ${colors.border}`, borderRadius: 4, marginTop: 8, maxHeight: 320, overflow: 'auto', maxWidth: 720 }}>
          {groups.map(([ws, projects]) => {
            const visible = projects.filter((p) => !s || p.includes(s) || ws.toLowerCase().includes(s));
            if (!visible.length) return null;
            const all = visible.every((p) => selected.has(p));
            return (
              <div key={ws || '-'} data-testid="hc-workspace-group" data-workspace={ws}>
                <label style={{ display: 'flex', gap: 8, padding: '8px 12px', background: colors.panelBg, fontWeight: 600, cursor: 'pointer' }}>
                  <input type="checkbox" checked={all} onChange={(e) => dispatch({ type: 'setProjects', names: visible, on: e.target.checked })} data-testid={`hc-workspace-${ws || 'none'}`} />
                  {ws ? tr('HARBOR_CONNECT_WIZARD_WORKSPACE', { name: ws }) : tr('HARBOR_CONNECT_WIZARD_NO_WORKSPACE')}
                </label>
                {visible.map((p) => (
                  <label key={p} style={{ display: 'flex', gap: 8, padding: '6px 12px 6px 32px', cursor: 'pointer' }}>
                    <input type="checkbox" checked={selected.has(p)} onChange={(e) => dispatch({ type: 'toggleProject', name: p, on: e.target.checked })} data-testid={`hc-project-${p}`} />
                    {p}
                  </label>
                ))}
              </div>
            );
          })}
        </div>
      </Field>
      <Field
        label={tr('HARBOR_CONNECT_WIZARD_SECRET_NAME')}
        help={tr('HARBOR_CONNECT_WIZARD_SECRET_NAME_HELP')}
        error={state.secretName && nameErrors.length ? nameErrors.map((e) => e.message).join('; ') : undefined}
        testId="hc-secret-name-field"
      >
        <Input value={state.secretName} onChange={(e: React.ChangeEvent<HTMLInputElement>) => dispatch({ type: 'secretName', value: e.target.value })} style={inputStyle} data-testid="hc-secret-name" />
      </Field>
      <label style={{ display: 'flex', gap: 8, alignItems: 'flex-start', cursor: 'pointer', maxWidth: 720 }}>
        <input type="checkbox" checked={state.bindDefaultServiceAccount} onChange={(e) => dispatch({ type: 'set', patch: { bindDefaultServiceAccount: e.target.checked } })} data-testid="hc-bind-default-sa" style={{ marginTop: 3 }} />
        <span>
          <span style={{ fontWeight: 600, display: 'block' }}>{tr('HARBOR_CONNECT_WIZARD_BIND_SA')}</span>
          <span style={{ fontSize: 12, color: colors.muted }}>{tr('HARBOR_CONNECT_WIZARD_BIND_SA_DESC')}</span>
        </span>
      </label>
    </div>
  );
}
