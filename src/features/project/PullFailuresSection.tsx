import React from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card } from '@kubed/components';
import type { ClusterContext } from '../../api/cluster';
import { invalidateAfterApply } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Spinner } from '../../components/Spinner';
import { When, whenText } from '../../components/When';
import { CompactTable } from '../../components/CompactTable';
import { colors, compactTd as td, MONOSPACE, mutedSmall as muted } from '../../components/theme';
import { CREATED_BEFORE_BINDING, planRestart, type CreatedBeforeBinding, type FailingPod, type RestartWorkload } from '../../domain/binding/restart';
import type { Write } from '../../domain/plan/write';
import { tr } from '../../i18n/t';
import { CHECK_FOR_KIND, useProjectPermissions } from '../binding/permissions';
import { PlannedWrite } from '../health/PlannedWrite';
import { usePullFailures } from './usePullFailures';

const mono: React.CSSProperties = { fontFamily: MONOSPACE, fontSize: 12, wordBreak: 'break-all' };

function methodText(w: RestartWorkload): string {
  const pods = w.pods.map((p) => p.name).join(', ');
  return tr(`HARBOR_CONNECT_RESTART_METHOD_${w.method.toUpperCase().replace(/-/g, '_')}`, { kind: w.kind, name: w.name, pods });
}

function FailureRow({ pod, stale }: { pod: FailingPod; stale: boolean }) {
  const d = pod.diagnosis;
  return (
    <tr data-testid="hc-pull-failure-row" data-pod={pod.name} data-cause={stale ? CREATED_BEFORE_BINDING : d.cause}>
      <td style={td}>
        <b>{pod.name}</b>
        {pod.owner ? <div style={muted}>{`${pod.owner.kind} ${pod.owner.name}`}</div> : null}
      </td>
      <td style={td}>
        <span style={mono}>{d.image ?? '—'}</span>
      </td>
      <td style={td} title={d.message}>
        {stale ? (
          <div style={{ color: colors.warning }} data-testid="hc-pull-failure-cause">
            {tr('HARBOR_CONNECT_DIAG_CREATED_BEFORE_BINDING_TITLE')}
          </div>
        ) : (
          <>
            <div data-testid="hc-pull-failure-cause">{tr(d.titleKey, d.detail)}</div>
            <div style={{ ...muted, marginTop: 2 }}>{tr(d.fixKey, d.detail)}</div>
          </>
        )}
      </td>
      <td style={{ ...td, whiteSpace: 'nowrap' }}>
        <div data-testid="hc-pull-failure-since">
          <When value={pod.since} fallback={<span style={muted}>{tr('HARBOR_CONNECT_RESTART_SINCE_UNKNOWN')}</span>} />
        </div>
        {d.count ? <div style={muted}>{tr('HARBOR_CONNECT_RESTART_COUNT', { count: d.count, time: whenText(d.lastSeen) })}</div> : null}
      </td>
    </tr>
  );
}

/** "These pods were created before the pull secret was bound; restart them", the workloads, and the restart as a previewed plan. */
function RestartAdvice(props: {
  cluster: ClusterContext;
  namespace: string;
  finding: CreatedBeforeBinding;
  /** The plan is open: the advice stays as it was while the pods it names are replaced. */
  onOpen: () => void;
  onClose: () => void;
  onRestarted: () => void;
}) {
  const { cluster, namespace, finding, onRestarted } = props;
  const qc = useQueryClient();
  const perms = useProjectPermissions(cluster, namespace);
  const [writes, setWrites] = React.useState<Write[] | undefined>();
  const [restarted, setRestarted] = React.useState(false);
  // Rollouts patch the workload: the page's own dry-run checks say whether that is allowed. Pod deletes are
  // dry-run in the preview (Apply stays disabled when one is not allowed).
  const denied = finding.workloads
    .filter((w) => w.method === 'rollout-restart')
    .map((w) => CHECK_FOR_KIND[w.kind])
    .map((id) => (id && perms.allowed[id] === false ? perms.reasons[id] : undefined))
    .find(Boolean);
  const serviceAccounts = [...new Set(finding.workloads.map((w) => w.serviceAccount))].join(', ');
  const secrets = [...new Set(finding.workloads.flatMap((w) => w.secrets))].join(', ');
  const bare = finding.fix.bareDeletes;
  return (
    <Alert type="warning" title={tr('HARBOR_CONNECT_RESTART_ADVICE_TITLE', { count: finding.pods.length })} style={{ marginBottom: 12 }} data-testid="hc-restart-advice">
      <div>{tr('HARBOR_CONNECT_RESTART_ADVICE', { serviceAccounts, secrets })}</div>
      <ul style={{ margin: '6px 0', paddingLeft: 18 }}>
        {finding.workloads.map((w) => (
          <li key={`${w.kind}/${w.name}`} data-testid="hc-restart-workload" data-kind={w.kind} data-name={w.name} data-method={w.method} style={w.method === 'delete-bare' ? { color: colors.warning } : undefined}>
            {methodText(w)}
          </li>
        ))}
      </ul>
      {!writes ? (
        <div>
          <Button size="sm" color="secondary" disabled={!!denied} title={denied} onClick={() => {
              props.onOpen();
              setWrites(planRestart(finding, new Date()));
            }} data-testid="hc-restart-open">
            {tr('HARBOR_CONNECT_RESTART_BUTTON')}
          </Button>
          {denied ? <div style={{ ...muted, marginTop: 4 }} data-testid="hc-restart-denied">{denied}</div> : null}
        </div>
      ) : (
        <PlannedWrite
          cluster={cluster}
          writes={writes}
          testId="hc-restart-plan"
          acknowledge={bare ? tr('HARBOR_CONNECT_RESTART_ACK_BARE', { count: bare }) : undefined}
          onClose={() => {
            setWrites(undefined);
            setRestarted(false);
            props.onClose();
          }}
          onFinished={() => {
            setRestarted(true);
            onRestarted();
            // The pods and events the advice was made from change with the restart: read the project again.
            void invalidateAfterApply(qc, cluster.name, [], { wholeCluster: true });
          }}
        />
      )}
      {restarted ? (
        <div style={{ color: colors.success, marginTop: 6 }} data-testid="hc-restart-applied">
          {tr('HARBOR_CONNECT_RESTART_APPLIED')}
        </div>
      ) : null}
    </Alert>
  );
}

/** The project's pods failing to pull: pod, image, cause in the user's words, since when; and the restart advice. */
export function PullFailuresSection({ cluster, namespace }: { cluster: ClusterContext; namespace: string }) {
  const view = usePullFailures(cluster, namespace);
  const { failing, createdBeforeBinding: current } = view.result;
  // While its plan is open, the advice shows the finding it was made from (the pods go away as they restart).
  const [pinned, setPinned] = React.useState<CreatedBeforeBinding | undefined>();
  const finding = pinned ?? current;
  const stale = new Set((current?.pods ?? []).map((p) => `${p.namespace}/${p.name}`));
  return (
    <Card style={{ marginTop: 12 }} data-testid="hc-pull-failures" data-count={failing.length}>
      <div style={{ fontSize: 14, fontWeight: 600, marginBottom: 8 }}>{tr('HARBOR_CONNECT_RESTART_SECTION_TITLE')}</div>
      {view.error ? <ErrorAlert error={view.error} /> : null}
      {view.loading ? <Spinner /> : null}
      {finding ? (
        <RestartAdvice
          cluster={cluster}
          namespace={namespace}
          finding={finding}
          onOpen={() => setPinned(current)}
          onClose={() => setPinned(undefined)}
          onRestarted={view.watch}
        />
      ) : null}
      {!view.loading && !view.error && failing.length === 0 ? (
        <div style={{ ...muted, padding: 12 }} data-testid="hc-pull-failures-none">
          {tr('HARBOR_CONNECT_RESTART_NONE', { namespace })}
        </div>
      ) : null}
      {failing.length ? (
        <CompactTable
          columns={[
            tr('HARBOR_CONNECT_RESTART_COL_POD'),
            tr('HARBOR_CONNECT_RESTART_COL_IMAGE'),
            tr('HARBOR_CONNECT_RESTART_COL_CAUSE'),
            tr('HARBOR_CONNECT_RESTART_COL_SINCE'),
          ]}
        >
          {failing.map((p) => (
            <FailureRow key={`${p.namespace}/${p.name}`} pod={p} stale={stale.has(`${p.namespace}/${p.name}`)} />
          ))}
        </CompactTable>
      ) : null}
    </Card>
  );
}

