import React from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Select, Tag } from '@kubed/components';
import type { Pod, Secret, ServiceAccount } from 'kubernetes-types/core/v1';
import type { ClusterContext } from '../../api/cluster';
import { invalidateAfterApply } from '../../api/hooks';
import { planExecutor } from '../../api/write';
import { podsNeedingRestart, type BindingNote } from '../../domain/binding';
import type { Write } from '../../domain/plan/write';
import { ApplyProgress } from '../../components/plan/ApplyProgress';
import { tr } from '../../i18n/t';
import { planForTarget, type BindTarget } from '../../domain/binding/target';
import { bindingWarnings, currentPullSecrets, podSpecImages, podSpecOf, resultingPullSecrets, serviceAccountOf } from '../../domain/binding/model';
import { CHECK_FOR_KIND, type ProjectPermissions } from './permissions';
import { PlanPreview, type PreviewItem } from './PlanPreview';
import type { WorkloadItem } from './useProjectData';
import { WarningList } from './WarningList';
import { colors } from '../../components/theme';

export interface BindPanelProps {
  cluster: ClusterContext;
  namespace: string;
  mode: 'bind' | 'unbind';
  secrets: readonly Secret[];
  /** Names of pull secrets offered (bind: the project's pull secrets; unbind: those bound to the targets). */
  secretOptions: string[];
  serviceAccounts: readonly ServiceAccount[];
  workloads: readonly WorkloadItem[];
  pods: readonly Pod[];
  permissions: ProjectPermissions;
  initialSecret?: string;
  initialTargets?: BindTarget[];
  onClose: () => void;
}

const key = (t: BindTarget) => `${t.kind}/${t.name}`;

function noteText(n: BindingNote): string {
  return tr(`HARBOR_CONNECT_BINDING_NOTE_${n.code.toUpperCase().replace(/-/g, '_')}`, { secret: '', ...(n.params ?? {}) });
}

/** Choose a pull secret and targets, preview the exact writes, accept a rolling restart if any, apply, see each result. */
export function BindPanel(props: BindPanelProps) {
  const { cluster, namespace, mode } = props;
  const qc = useQueryClient();
  const [secret, setSecret] = React.useState(props.initialSecret ?? props.secretOptions[0] ?? '');
  const [selected, setSelected] = React.useState<Set<string>>(() => new Set((props.initialTargets ?? []).map(key)));
  const [step, setStep] = React.useState<'edit' | 'preview' | 'apply'>('edit');
  const [acceptRoll, setAcceptRoll] = React.useState(false);
  const [frozen, setFrozen] = React.useState<Write[]>([]);

  const secretMap = React.useMemo(() => new Map(props.secrets.map((s) => [s.metadata?.name ?? '', s])), [props.secrets]);
  const all: Array<BindTarget & { obj: Record<string, unknown> }> = [
    ...props.serviceAccounts.map((sa) => ({ kind: 'ServiceAccount' as const, name: sa.metadata?.name ?? '', obj: sa as Record<string, unknown> })),
    ...props.workloads.map((w) => ({ kind: w.kind, name: w.name, obj: w.obj as unknown as Record<string, unknown> })),
  ];
  const chosen = all.filter((t) => selected.has(key(t)));
  const deniedFor = (t: BindTarget) => {
    const id = CHECK_FOR_KIND[t.kind];
    return props.permissions.allowed[id] === false ? props.permissions.reasons[id] : undefined;
  };

  // Images pulled under each target: a workload's own; for a ServiceAccount, those of the workloads that run as it.
  const imagesOf = (t: BindTarget & { obj: Record<string, unknown> }): string[] => {
    if (t.kind !== 'ServiceAccount') return podSpecImages(podSpecOf(t.obj as never));
    return [...new Set(props.workloads.filter((w) => serviceAccountOf(podSpecOf(w.obj)) === t.name).flatMap((w) => podSpecImages(podSpecOf(w.obj))))];
  };

  const plans = chosen.map((t) => ({ t, plan: secret ? planForTarget(t.obj, t, secret, mode) : { writes: [], notes: [] } }));
  const items: PreviewItem[] = plans.flatMap(({ t, plan }) =>
    plan.writes.map((w) => ({ write: w, before: currentPullSecrets(t.obj, t.kind), after: resultingPullSecrets({ ...t.obj, kind: t.kind }, w) })),
  );
  const notes = plans.flatMap(({ plan }) => plan.notes);
  const rolls = items.some((i) => (i.write.effects ?? []).includes('rolls-workload'));
  const warnings =
    mode === 'bind' && secret ? chosen.flatMap((t) => bindingWarnings([secret], secretMap, imagesOf(t)).map((w) => ({ ...w, target: key(t) }))) : [];
  const restart =
    mode === 'bind' && secret
      ? chosen.filter((t) => t.kind === 'ServiceAccount').flatMap((t) => podsNeedingRestart(props.pods, t.name, secret))
      : [];
  const denied = chosen.map(deniedFor).filter(Boolean) as string[];

  const toggle = (t: BindTarget) =>
    setSelected((cur) => {
      const next = new Set(cur);
      if (next.has(key(t))) next.delete(key(t));
      else next.add(key(t));
      return next;
    });

  const executor = React.useMemo(() => planExecutor(cluster), [cluster]);

  return (
    <Card style={{ marginTop: 12 }} data-testid="hc-bind-panel" data-mode={mode}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 12 }}>
        <div style={{ fontSize: 14, fontWeight: 600 }}>
          {tr(mode === 'bind' ? 'HARBOR_CONNECT_PROJECT_BIND_TITLE' : 'HARBOR_CONNECT_PROJECT_UNBIND_TITLE', { namespace })}
        </div>
        <Button size="sm" variant="text" onClick={props.onClose} data-testid="hc-bind-close">
          {tr('HARBOR_CONNECT_PROJECT_CLOSE')}
        </Button>
      </div>

      {step === 'edit' ? (
        <div>
          <div style={{ marginBottom: 12 }}>
            <div style={{ color: colors.muted, fontSize: 12, marginBottom: 4 }}>{tr('HARBOR_CONNECT_PROJECT_PULL_SECRET')}</div>
            {/* virtual={false}: every option is in the DOM (a project has few pull secrets), so a test can click any. */}
            <Select
              value={secret || undefined}
              onChange={(v: string) => setSecret(v)}
              options={props.secretOptions.map((n) => ({ label: n, value: n }))}
              placeholder={props.secretOptions.length === 0 ? tr('HARBOR_CONNECT_PROJECT_NO_SECRETS') : undefined}
              disabled={props.secretOptions.length === 0}
              virtual={false}
              style={{ minWidth: 260 }}
              data-testid="hc-bind-secret"
              data-value={secret}
            />
          </div>
          <div style={{ color: colors.muted, fontSize: 12, marginBottom: 4 }}>{tr('HARBOR_CONNECT_PROJECT_TARGETS')}</div>
          <div style={{ maxHeight: 260, overflow: 'auto', border: `1px solid ${colors.border}`, borderRadius: 4, padding: 8 }}>
            {all.map((t) => {
              const reason = deniedFor(t);
              return (
                <label
                  key={key(t)}
                  style={{ display: 'flex', gap: 8, alignItems: 'center', padding: '3px 0', color: reason ? colors.faint : undefined }}
                  title={reason}
                >
                  <input
                    type="checkbox"
                    checked={selected.has(key(t))}
                    disabled={!!reason}
                    onChange={() => toggle(t)}
                    data-testid={`hc-bind-target-${t.kind}-${t.name}`}
                  />
                  <Tag>{t.kind}</Tag>
                  <span>{t.name}</span>
                  <span style={{ color: colors.muted, fontSize: 12 }}>{currentPullSecrets(t.obj, t.kind).join(', ')}</span>
                </label>
              );
            })}
          </div>
          <div style={{ marginTop: 12, display: 'flex', gap: 8 }}>
            <Button
              color="secondary"
              disabled={!secret || chosen.length === 0}
              onClick={() => setStep('preview')}
              data-testid="hc-bind-preview"
            >
              {tr('HARBOR_CONNECT_PROJECT_PREVIEW')}
            </Button>
          </div>
        </div>
      ) : null}

      {step === 'preview' ? (
        <div data-testid="hc-bind-review">
          {warnings.length ? <WarningList warnings={warnings} /> : null}
          {notes.length ? (
            <ul style={{ margin: '0 0 8px', paddingLeft: 18 }} data-testid="hc-bind-notes">
              {notes.map((n, i) => (
                <li key={i} data-note={n.code}>
                  <b>{`${n.target.kind}/${n.target.name}`}</b>: {noteText(n)}
                </li>
              ))}
            </ul>
          ) : null}
          {mode === 'bind' && chosen.some((t) => t.kind === 'ServiceAccount') ? (
            <Alert type="info" title={tr('HARBOR_CONNECT_PROJECT_EXISTING_PODS_TITLE')} style={{ marginBottom: 8 }} data-testid="hc-bind-restart">
              <div>{tr('HARBOR_CONNECT_PROJECT_EXISTING_PODS', { secret })}</div>
              {restart.length ? (
                <div style={{ marginTop: 4 }}>
                  {tr('HARBOR_CONNECT_PROJECT_PODS_TO_RESTART', { count: restart.length })}{' '}
                  <span style={{ fontFamily: 'Monaco, Menlo, Consolas, monospace', fontSize: 12 }} data-testid="hc-bind-restart-pods">{restart.map((p) => p.metadata?.name).join(', ')}</span>
                </div>
              ) : (
                <div style={{ marginTop: 4 }}>{tr('HARBOR_CONNECT_PROJECT_NO_PODS_TO_RESTART')}</div>
              )}
            </Alert>
          ) : null}
          {items.length ? <PlanPreview items={items} /> : <div data-testid="hc-bind-nothing">{tr('HARBOR_CONNECT_PROJECT_NOTHING_TO_DO')}</div>}
          {rolls ? (
            <label style={{ display: 'flex', gap: 8, alignItems: 'center', marginTop: 12, color: colors.warning }}>
              <input type="checkbox" checked={acceptRoll} onChange={(e) => setAcceptRoll(e.target.checked)} data-testid="hc-bind-accept-roll" />
              {tr('HARBOR_CONNECT_PROJECT_ACCEPT_ROLL')}
            </label>
          ) : null}
          {denied.length ? (
            <div style={{ color: colors.error, marginTop: 8 }} data-testid="hc-bind-denied">
              {denied[0]}
            </div>
          ) : null}
          <div style={{ marginTop: 12, display: 'flex', gap: 8 }}>
            <Button onClick={() => setStep('edit')} data-testid="hc-bind-back">
              {tr('HARBOR_CONNECT_PROJECT_BACK')}
            </Button>
            <Button
              color="primary"
              disabled={!items.length || (rolls && !acceptRoll) || denied.length > 0}
              onClick={() => {
                setFrozen(items.map((i) => i.write));
                setStep('apply');
              }}
              data-testid="hc-bind-apply"
            >
              {tr(mode === 'bind' ? 'HARBOR_CONNECT_PROJECT_APPLY_BIND' : 'HARBOR_CONNECT_PROJECT_APPLY_UNBIND')}
            </Button>
          </div>
        </div>
      ) : null}

      {step === 'apply' ? (
        <div data-testid="hc-bind-result">
          <ApplyProgress
            writes={frozen}
            execute={executor}
            concurrency={4}
            testId="hc-bind-apply-progress"
            onFinished={(outcomes) => void invalidateAfterApply(qc, cluster.name, outcomes, { wholeCluster: true })}
          />
        </div>
      ) : null}
    </Card>
  );
}
