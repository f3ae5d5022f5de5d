import React from 'react';
import { Button, Input, Select } from '@kubed/components';
import type { Node, Pod, Secret } from 'kubernetes-types/core/v1';
import type { ClusterContext } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { When } from '../../components/When';
import { eventTime } from '../../domain/diagnosis';
import { defaultTestImage } from '../../domain/pulltest';
import type { RegistryRecord } from '../../domain/record';
import { tr } from '../../i18n/t';
import { usePullTest } from './usePullTest';
import { cleanupLeftovers } from './engine';
import { colors } from '../../components/theme';

export interface PullTestRunnerProps {
  cluster: ClusterContext;
  record: RegistryRecord;
  /** Projects holding the registry's credential; the first is the default. */
  namespaces: string[];
  pullSecrets: Secret[];
  nodes: Node[];
  /** The registry's pods as the panel read them: pull-test leftovers among them are deleted on mount. */
  pods?: Pod[];
}

const P = 'HARBOR_CONNECT_HEALTH_PT_';
const COLORS = { pulled: colors.success, failed: colors.error, pending: colors.warning } as const;
const row: React.CSSProperties = { display: 'flex', gap: 12, alignItems: 'flex-end', flexWrap: 'wrap', marginBottom: 12 };
const label: React.CSSProperties = { fontSize: 12, color: colors.muted, marginBottom: 4 };

export function PullTestRunner({ cluster, record, namespaces, pullSecrets, nodes, pods }: PullTestRunnerProps) {
  const { state, run, busy } = usePullTest();
  const [namespace, setNamespace] = React.useState(namespaces[0] ?? '');
  const [image, setImage] = React.useState(() => defaultTestImage(record.serverKey));
  const [scope, setScope] = React.useState<'all' | 'one'>('all');
  const nodeNames = nodes.map((n) => n.metadata?.name ?? '').filter(Boolean);
  const [node, setNode] = React.useState(nodeNames[0] ?? '');
  const [cleaned, setCleaned] = React.useState<number | undefined>();
  React.useEffect(() => {
    if (!namespace && namespaces[0]) setNamespace(namespaces[0]);
  }, [namespaces.join(',')]); // eslint-disable-line react-hooks/exhaustive-deps
  React.useEffect(() => {
    if (!node && nodeNames[0]) setNode(nodeNames[0]);
  }, [nodeNames.join(',')]); // eslint-disable-line react-hooks/exhaustive-deps

  // Leftovers of runs whose page was closed: deleted once per visit, by label, never pods of a run in progress.
  const cleanedOnce = React.useRef(false);
  React.useEffect(() => {
    if (cleanedOnce.current || !pods) return;
    cleanedOnce.current = true;
    void cleanupLeftovers(cluster, pods, state.runId ? [state.runId] : []).then((n) => n && setCleaned(n));
  }, [pods]); // eslint-disable-line react-hooks/exhaustive-deps

  const secret = pullSecrets.find((s) => s.metadata?.namespace === namespace)?.metadata?.name;
  const canRun = !!namespace && !!image.trim() && !busy && (scope === 'all' ? nodeNames.length > 0 : !!node);
  const start = () =>
    void run({
      cluster,
      registryId: record.id,
      namespace,
      image: image.trim(),
      secretName: secret,
      nodes: scope === 'all' ? nodeNames : [node],
    });

  const timeline = [...state.events].sort((a, b) => eventTime(a).localeCompare(eventTime(b)));
  const pulled = state.outcomes.filter((o) => o.result.state === 'pulled').length;

  return (
    <div data-testid="hc-pulltest">
      <div style={row}>
        <div style={{ minWidth: 180 }}>
          <div style={label}>{tr(`${P}PROJECT`)}</div>
          <Select
            value={namespace}
            onChange={(v: string) => setNamespace(v)}
            options={namespaces.map((n) => ({ label: n, value: n }))}
            style={{ width: 200 }}
            data-testid="hc-pulltest-project"
            disabled={busy}
          />
        </div>
        <div style={{ flex: 1, minWidth: 280 }}>
          <div style={label}>{tr('HARBOR_CONNECT_PULLTEST_IMAGE')}</div>
          <Input value={image} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setImage(e.target.value)} disabled={busy} data-testid="hc-pulltest-image" />
        </div>
        <div>
          <div style={label}>{tr('HARBOR_CONNECT_PULLTEST_NODES')}</div>
          <Select
            value={scope}
            onChange={(v: 'all' | 'one') => setScope(v)}
            options={[
              { label: tr('HARBOR_CONNECT_PULLTEST_NODES_ALL'), value: 'all' },
              { label: tr(`${P}ONE_NODE`), value: 'one' },
            ]}
            style={{ width: 160 }}
            disabled={busy}
            data-testid="hc-pulltest-scope"
          />
        </div>
        {scope === 'one' ? (
          <div>
            <div style={label}>{tr('HARBOR_CONNECT_PULLTEST_COL_NODE')}</div>
            <Select value={node} onChange={(v: string) => setNode(v)} options={nodeNames.map((n) => ({ label: n, value: n }))} style={{ width: 140 }} disabled={busy} />
          </div>
        ) : null}
        <Button color="secondary" shadow onClick={start} disabled={!canRun} loading={busy} data-testid="hc-pulltest-run">
          {state.phase === 'idle' ? tr('HARBOR_CONNECT_PULLTEST_RUN') : tr('HARBOR_CONNECT_PULLTEST_RUN_AGAIN')}
        </Button>
      </div>
      <div style={{ fontSize: 12, color: colors.muted, marginBottom: 8 }}>
        {tr(`${P}WHERE`, { namespace: namespace || '-', secret: secret ?? tr(`${P}NO_SECRET`) })} {tr('HARBOR_CONNECT_PULLTEST_DEADLINE_DESC')}
        {cleaned ? <span data-testid="hc-pulltest-cleaned"> {tr(`${P}CLEANED`, { count: cleaned })}</span> : null}
      </div>
      {namespaces.length === 0 ? <div style={{ color: colors.warning }}>{tr(`${P}NO_PROJECT`)}</div> : null}
      {state.phase === 'error' ? <ErrorAlert error={state.error} /> : null}
      {state.phase !== 'idle' && state.phase !== 'error' ? (
        <div data-testid="hc-pulltest-status" data-phase={state.phase} style={{ marginBottom: 8, fontWeight: 600 }}>
          {state.phase === 'done'
            ? tr('HARBOR_CONNECT_PULLTEST_SUMMARY', { pulled, total: state.outcomes.length })
            : tr(`${P}PHASE_${state.phase.toUpperCase()}`, { count: state.outcomes.length || (scope === 'all' ? nodeNames.length : 1) })}
        </div>
      ) : null}
      {timeline.length ? (
        <ol data-testid="hc-pulltest-timeline" style={{ margin: '0 0 12px', paddingLeft: 18, fontSize: 12, maxHeight: 220, overflow: 'auto' }}>
          {timeline.map((e, i) => (
            <li key={`${e.metadata?.uid ?? e.metadata?.name ?? i}`} style={{ color: e.type === 'Warning' ? colors.error : colors.textSecondary }}>
              <When value={eventTime(e)} style={{ color: colors.muted }} /> {e.source?.host ?? e.reportingInstance ?? ''} <b>{e.reason}</b>: {e.message}
            </li>
          ))}
        </ol>
      ) : null}
      {state.outcomes.length ? (
        <table style={{ width: '100%', borderCollapse: 'collapse', fontSize: 12 }} data-testid="hc-pulltest-results">
          <thead>
            <tr style={{ textAlign: 'left', color: colors.muted }}>
              <th style={{ padding: 4 }}>{tr('HARBOR_CONNECT_PULLTEST_COL_NODE')}</th>
              <th style={{ padding: 4 }}>{tr('HARBOR_CONNECT_PULLTEST_COL_RESULT')}</th>
              <th style={{ padding: 4 }}>{tr(`${P}COL_DIAGNOSIS`)}</th>
            </tr>
          </thead>
          <tbody>
            {state.outcomes.map((o) => (
              <tr key={o.result.pod} data-testid="hc-pulltest-result" data-state={o.result.state} data-cause={o.diagnosis?.cause ?? ''} style={{ borderTop: `1px solid ${colors.border}`, verticalAlign: 'top' }}>
                <td style={{ padding: 4, width: 120, whiteSpace: 'nowrap' }}>{o.result.node ?? tr('HARBOR_CONNECT_PULLTEST_ANY_NODE')}</td>
                <td style={{ padding: 4, width: 90, whiteSpace: 'nowrap', color: COLORS[o.result.state], fontWeight: 600 }}>{tr(`HARBOR_CONNECT_PULLTEST_STATE_${o.result.state.toUpperCase()}`)}</td>
                <td style={{ padding: 4 }}>
                  {o.diagnosis && o.result.state === 'failed' ? (
                    <>
                      <div style={{ fontWeight: 600 }}>{tr(o.diagnosis.titleKey, o.diagnosis.detail)}</div>
                      <div>{tr(o.diagnosis.fixKey, o.diagnosis.detail)}</div>
                      {o.diagnosis.message ? <div style={{ color: colors.muted, wordBreak: 'break-all' }}>{o.diagnosis.message}</div> : null}
                    </>
                  ) : (
                    <span style={{ color: colors.muted }}>{o.result.message ?? o.result.reason}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
