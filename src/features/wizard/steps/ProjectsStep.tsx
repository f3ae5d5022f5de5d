import React, { useMemo, useState } from 'react';
import { Input, Tag } from '@kubed/components';
import { useQuery } from '@tanstack/react-query';
import { clusterContext, listClusters, listMyProjects, queryKeys, WORKSPACE_LABEL, type Cluster, type Namespace } from '../../../api';
import { tr } from '../../../i18n/t';
import { Spinner } from '../../../components/Spinner';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { Field, inputStyle } from '../ui';
import type { StepProps } from './types';
import { validateDns1123Label } from '../../../domain/names';
import { projectsIn } from '../../../domain/wizard/state';
import { colors } from '../../../components/theme';

/** A cluster KubeSphere reports as not Ready: it can still be chosen, but the user is told before the review. */
function notReady(c: Cluster): string | undefined {
  const ready = c.status?.conditions?.find((x) => x.type === 'Ready');
  return ready && ready.status !== 'True' ? ready.message || ready.reason || ready.status : undefined;
}

/** Which clusters the registry goes to (only shown when the user can see more than one). */
function ClusterChoice({ state, dispatch, cluster }: StepProps) {
  const q = useQuery({ queryKey: queryKeys.clusters(), queryFn: ({ signal }) => listClusters({ signal }), staleTime: 60_000, enabled: cluster.multiCluster });
  const clusters = (q.data?.items ?? []).filter((c) => !!c.metadata?.name);
  if (!cluster.multiCluster || clusters.length < 2) return null;
  const chosen = new Set(state.clusters);
  const own = state.clusters[0];
  // This cluster first, then the others by name.
  clusters.sort((a, b) => (a.metadata!.name === own ? -1 : b.metadata!.name === own ? 1 : a.metadata!.name!.localeCompare(b.metadata!.name!)));
  return (
    <Field label={tr('HARBOR_CONNECT_WIZARD_CLUSTERS')} help={tr('HARBOR_CONNECT_WIZARD_CLUSTERS_HELP', { count: state.clusters.length })} testId="hc-clusters-field">
      <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap' }} data-testid="hc-cluster-choice">
        {clusters.map((c) => {
          const name = c.metadata!.name!;
          const down = notReady(c);
          return (
            <label key={name} style={{ display: 'flex', gap: 6, alignItems: 'center', cursor: name === own ? 'default' : 'pointer' }} title={down}>
              <input
                type="checkbox"
                checked={chosen.has(name)}
                disabled={name === own}
                onChange={(e) => dispatch({ type: 'toggleCluster', cluster: name, on: e.target.checked })}
                data-testid={`hc-cluster-${name}`}
              />
              {name}
              {name === own ? <Tag color="default">{tr('HARBOR_CONNECT_WIZARD_CLUSTER_THIS')}</Tag> : null}
              {down ? <Tag color="warning">{tr('HARBOR_CONNECT_WIZARD_CLUSTER_NOT_READY')}</Tag> : null}
            </label>
          );
        })}
      </div>
    </Field>
  );
}

/** One cluster's projects, grouped by workspace; ticking a workspace ticks its visible projects. */
function ClusterProjects({ state, dispatch, name, search, titled }: Pick<StepProps, 'state' | 'dispatch'> & { name: string; search: string; titled: boolean }) {
  const ctx = useMemo(() => clusterContext(name), [name]);
  const q = useQuery(queryKeys.composite.myProjects(name), ({ signal }) => listMyProjects(ctx, { signal, limit: 500 }));
  const groups = useMemo(() => {
    const by = new Map<string, string[]>();
    for (const n of (q.data?.items ?? []) as Namespace[]) {
      const project = n.metadata?.name ?? '';
      if (!project) continue;
      const ws = n.metadata?.labels?.[WORKSPACE_LABEL] ?? '';
      if (!by.has(ws)) by.set(ws, []);
      by.get(ws)!.push(project);
    }
    return [...by.entries()].sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b))).map(([ws, ps]) => [ws, ps.sort()] as const);
  }, [q.data]);
  const selected = new Set(projectsIn(state, name));
  return (
    <div data-testid="hc-cluster-projects" data-cluster={name} style={{ marginTop: 8, maxWidth: 720 }}>
      {titled ? (
        <div style={{ fontWeight: 600, margin: '8px 0 4px' }}>
          {tr('HARBOR_CONNECT_WIZARD_CLUSTER_PROJECTS', { cluster: name, count: selected.size })}
        </div>
      ) : null}
      {q.isLoading ? <Spinner /> : null}
      {q.isError ? <ErrorAlert error={q.error} /> : null}
      <div style={{ border: `1px solid ${colors.border}`, borderRadius: 4, maxHeight: 320, overflow: 'auto' }}>
        {groups.map(([ws, projects]) => {
          const visible = projects.filter((p) => !search || p.includes(search) || ws.toLowerCase().includes(search));
          if (!visible.length) return null;
          const all = visible.every((p) => selected.has(p));
          return (
            <div key={ws || '-'} data-testid="hc-workspace-group" data-workspace={ws}>
              <label style={{ display: 'flex', gap: 8, padding: '8px 12px', background: colors.panelBg, fontWeight: 600, cursor: 'pointer' }}>
                <input type="checkbox" checked={all} onChange={(e) => dispatch({ type: 'setProjects', cluster: name, names: visible, on: e.target.checked })} data-testid={`hc-workspace-${ws || 'none'}`} />
                {ws ? tr('HARBOR_CONNECT_WIZARD_WORKSPACE', { name: ws }) : tr('HARBOR_CONNECT_WIZARD_NO_WORKSPACE')}
              </label>
              {visible.map((p) => (
                <label key={p} style={{ display: 'flex', gap: 8, padding: '6px 12px 6px 32px', cursor: 'pointer' }}>
                  <input type="checkbox" checked={selected.has(p)} onChange={(e) => dispatch({ type: 'toggleProject', cluster: name, name: p, on: e.target.checked })} data-testid={`hc-project-${p}`} />
                  {p}
                </label>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}

export function ProjectsStep(props: StepProps) {
  const { state, dispatch } = props;
  const [search, setSearch] = useState('');
  const s = search.trim().toLowerCase();
  const nameErrors = validateDns1123Label(state.secretName);
  const total = state.clusters.reduce((n, c) => n + projectsIn(state, c).length, 0);
  const several = state.clusters.length > 1;

  return (
    <div data-testid="hc-step-projects">
      <ClusterChoice {...props} />
      <Field label={tr('HARBOR_CONNECT_WIZARD_PROJECTS')} help={tr('HARBOR_CONNECT_WIZARD_PROJECTS_HELP', { count: total })} testId="hc-projects-field">
        <Input value={search} placeholder={tr('HARBOR_CONNECT_WIZARD_PROJECTS_SEARCH')} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setSearch(e.target.value)} style={inputStyle} data-testid="hc-project-search" />
        {state.clusters.map((c) => (
          <ClusterProjects key={c} state={state} dispatch={dispatch} name={c} search={s} titled={several} />
        ))}
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
