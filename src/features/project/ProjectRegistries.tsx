import React from 'react';
import { Alert, Button, Card, Tag } from '@kubed/components';
import type { Secret, ServiceAccount } from 'kubernetes-types/core/v1';
import { clusterContext } from '../../api/cluster';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Spinner } from '../../components/Spinner';
import { tr } from '../../i18n/t';
import type { BindTarget } from '../../domain/binding/target';
import { BindPanel } from '../binding/BindPanel';
import { bindingWarnings, describeCredential, isPullSecret, podSpecImages, podSpecOf, pullSecretNames, serviceAccountOf } from '../../domain/binding/model';
import { CHECK_FOR_KIND, useProjectPermissions, type ProjectPermissions } from '../binding/permissions';
import { useProjectData } from '../binding/useProjectData';
import { warningText } from '../binding/WarningList';
import { AddCredentialPanel } from './AddCredentialPanel';
import { PullFailuresSection } from './PullFailuresSection';
import { ClusterRegistries } from './ClusterRegistries';
import { LegacyPullSecrets } from './LegacyPullSecrets';
import { CompactTable } from '../../components/CompactTable';
import { colors, compactTd as td, mutedSmall as muted } from '../../components/theme';

type Panel =
  | { type: 'bind' | 'unbind'; secret?: string; targets?: BindTarget[] }
  | { type: 'add' }
  | undefined;


function Section({ title, children, extra, testId }: { title: string; children: React.ReactNode; extra?: React.ReactNode; testId?: string }) {
  return (
    <Card style={{ marginTop: 12 }} data-testid={testId}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 8 }}>
        <div style={{ fontSize: 14, fontWeight: 600 }}>{title}</div>
        {extra}
      </div>
      {children}
    </Card>
  );
}

function SecretTags({ names, secrets }: { names: string[]; secrets: ReadonlyMap<string, Secret> }) {
  if (!names.length) return <span style={muted}>—</span>;
  return (
    <span style={{ display: 'inline-flex', gap: 4, flexWrap: 'wrap' }}>
      {names.map((n, i) => (
        <Tag key={`${n}-${i}`} color={secrets.has(n) ? 'default' : 'error'} data-testid="hc-bound-secret">
          {n}
        </Tag>
      ))}
    </span>
  );
}

/** A button that is disabled with its reason shown right under it (never a 403 after the click). */
function Guarded(props: { label: string; reason?: string; onClick: () => void; testId: string; color?: 'secondary' | 'default' }) {
  return (
    <span style={{ display: 'inline-block', marginRight: 6 }}>
      <Button size="sm" color={props.color ?? 'default'} disabled={!!props.reason} onClick={props.onClick} data-testid={props.testId} title={props.reason}>
        {props.label}
      </Button>
    </span>
  );
}

function PermissionSummary({ perms, namespace }: { perms: ProjectPermissions; namespace: string }) {
  const reasons = Object.entries(perms.reasons);
  if (perms.loading || reasons.length === 0) return null;
  const bindSa = perms.reasons.patchServiceAccounts;
  return (
    <Alert type="warning" title={tr('HARBOR_CONNECT_PROJECT_LIMITED_TITLE', { namespace })} style={{ marginTop: 12 }} data-testid="hc-permissions">
      <ul style={{ margin: 0, paddingLeft: 18 }}>
        {bindSa ? <li data-testid="hc-permission-reason" data-check="patchServiceAccounts">{bindSa}</li> : null}
        {perms.reasons.createSecrets ? (
          <li data-testid="hc-permission-reason" data-check="createSecrets">{perms.reasons.createSecrets}</li>
        ) : null}
        {perms.reasons.patchDeployments ? (
          <li data-testid="hc-permission-reason" data-check="patchDeployments">{perms.reasons.patchDeployments}</li>
        ) : null}
      </ul>
    </Alert>
  );
}

/** The project's registry view, shared by the project page and the workspace page. */
export function ProjectRegistries({ cluster, namespace }: { cluster: string; namespace: string }) {
  const ctx = React.useMemo(() => clusterContext(cluster), [cluster]);
  const perms = useProjectPermissions(ctx, namespace);
  const data = useProjectData(ctx, namespace);
  const [panel, setPanel] = React.useState<Panel>(undefined);
  const panelRef = React.useRef<HTMLDivElement>(null);
  React.useEffect(() => {
    if (panel) panelRef.current?.scrollIntoView?.({ behavior: 'smooth', block: 'nearest' });
  }, [panel]);

  const secretItems = (data.secrets.data?.items ?? []) as Secret[];
  const secretMap = new Map(secretItems.map((s) => [s.metadata?.name ?? '', s]));
  const pullSecrets = secretItems.filter(isPullSecret);
  const creds = pullSecrets.map(describeCredential);
  const sas = (data.serviceAccounts.data?.items ?? []) as ServiceAccount[];
  const pods = data.pods.data?.items ?? [];

  const reasonFor = (kind: string) => {
    const id = CHECK_FOR_KIND[kind];
    return perms.allowed[id] === false ? perms.reasons[id] : perms.allowed[id] === undefined ? tr('HARBOR_CONNECT_PROJECT_CHECKING') : undefined;
  };
  const anyBind = ['ServiceAccount', 'Deployment', 'StatefulSet', 'DaemonSet', 'CronJob'].some((k) => perms.allowed[CHECK_FOR_KIND[k]]);
  const bindReason = anyBind ? undefined : perms.loading ? tr('HARBOR_CONNECT_PROJECT_CHECKING') : perms.reasons.patchServiceAccounts;
  const addReason = perms.allowed.createSecrets ? undefined : perms.loading ? tr('HARBOR_CONNECT_PROJECT_CHECKING') : perms.reasons.createSecrets;

  const usedBy = (name: string) =>
    sas.filter((sa) => pullSecretNames(sa.imagePullSecrets).includes(name)).length +
    data.workloads.filter((w) => pullSecretNames(podSpecOf(w.obj)?.imagePullSecrets).includes(name)).length;

  const open = (p: Panel) => setPanel(p);
  const boundTo = (targets: BindTarget[]) => {
    const names = new Set<string>();
    for (const t of targets) {
      if (t.kind === 'ServiceAccount') pullSecretNames(sas.find((s) => s.metadata?.name === t.name)?.imagePullSecrets).forEach((n) => names.add(n));
      else pullSecretNames(podSpecOf(data.workloads.find((w) => w.kind === t.kind && w.name === t.name)?.obj as never)?.imagePullSecrets).forEach((n) => names.add(n));
    }
    return [...names];
  };

  if (data.secrets.isLoading && data.serviceAccounts.isLoading) return <Spinner />;

  return (
    <div data-testid="hc-project-registries-content" style={{ paddingBottom: 24 }}>
      <PermissionSummary perms={perms} namespace={namespace} />
      {perms.error ? <ErrorAlert error={perms.error} /> : null}

      <div ref={panelRef}>
        {panel?.type === 'bind' || panel?.type === 'unbind' ? (
          <BindPanel
            key={JSON.stringify(panel)}
            cluster={ctx}
            namespace={namespace}
            mode={panel.type}
            secrets={secretItems}
            secretOptions={panel.type === 'bind' ? creds.map((c) => c.name) : boundTo(panel.targets ?? [])}
            serviceAccounts={sas}
            workloads={data.workloads}
            pods={pods}
            permissions={perms}
            initialSecret={panel.secret}
            initialTargets={panel.targets}
            onClose={() => setPanel(undefined)}
          />
        ) : null}
        {panel?.type === 'add' ? (
          <AddCredentialPanel
            cluster={ctx}
            namespace={namespace}
            existingNames={secretItems.map((s) => s.metadata?.name ?? '')}
            defaultServiceAccount={sas.find((s) => s.metadata?.name === 'default')}
            canBindServiceAccount={!!perms.allowed.patchServiceAccounts}
            bindReason={perms.reasons.patchServiceAccounts}
            workloads={data.workloads}
            onClose={() => setPanel(undefined)}
          />
        ) : null}
      </div>

      <PullFailuresSection cluster={ctx} namespace={namespace} />
      <ClusterRegistries namespace={namespace} secrets={secretItems} serviceAccounts={sas} workloads={data.workloads} />
      <LegacyPullSecrets cluster={ctx} namespace={namespace} secrets={secretItems} serviceAccounts={sas} workloads={data.workloads} onBindPanel={(type, secret, targets) => open({ type, secret, targets })} />

      <Section
        title={tr('HARBOR_CONNECT_PROJECT_CREDENTIALS_TITLE')}
        testId="hc-project-credentials"
        extra={
          <span>
            <Guarded label={tr('HARBOR_CONNECT_PROJECT_BIND')} reason={bindReason} onClick={() => open({ type: 'bind' })} testId="hc-bind-open" />
            <Guarded
              label={tr('HARBOR_CONNECT_PROJECT_ADD_CREDENTIAL')}
              reason={addReason}
              color="secondary"
              onClick={() => open({ type: 'add' })}
              testId="hc-add-credential"
            />
          </span>
        }
      >
        {data.secrets.isError ? <ErrorAlert error={data.secrets.error} /> : null}
        {bindReason || addReason ? (
          <div style={{ ...muted, marginBottom: 8 }} data-testid="hc-disabled-reason">
            {[bindReason, addReason].filter(Boolean).join(' ')}
          </div>
        ) : null}
        {creds.length === 0 && !data.secrets.isError ? (
          <div style={{ ...muted, padding: 12 }} data-testid="hc-no-credentials">
            {tr('HARBOR_CONNECT_PROJECT_NO_CREDENTIALS', { namespace })}
          </div>
        ) : (
          <CompactTable
            columns={[
              tr('HARBOR_CONNECT_PROJECT_COL_NAME'),
              tr('HARBOR_CONNECT_PROJECT_COL_TYPE'),
              tr('HARBOR_CONNECT_PROJECT_COL_REGISTRIES'),
              tr('HARBOR_CONNECT_PROJECT_COL_CREATOR'),
              tr('HARBOR_CONNECT_PROJECT_COL_USED_BY'),
              '',
            ]}
          >
            {creds.map((c) => (
              <tr key={c.name} data-testid={`hc-cred-row-${c.name}`}>
                <td style={td}>
                  <b>{c.name}</b>{' '}
                  {c.managed ? (
                    <Tag color="success" data-testid="hc-cred-managed">
                      {tr('HARBOR_CONNECT_PROJECT_MANAGED')}
                    </Tag>
                  ) : null}
                </td>
                <td style={td}>
                  <span style={muted}>{c.type === 'kubernetes.io/dockercfg' ? 'dockercfg' : 'dockerconfigjson'}</span>
                </td>
                <td style={td}>
                  {c.serverKeys.length ? c.serverKeys.map((k) => <div key={k}><span style={{ fontFamily: 'Monaco, Menlo, Consolas, monospace', fontSize: 12 }}>{k}</span></div>) : null}
                  {c.problem ? <div style={{ color: colors.error, fontSize: 12 }}>{tr('HARBOR_CONNECT_PROJECT_UNREADABLE', { problem: c.problem })}</div> : null}
                </td>
                <td style={td}>{c.creator ?? <span style={muted}>—</span>}</td>
                <td style={td}>{usedBy(c.name)}</td>
                <td style={{ ...td, textAlign: 'right' }}>
                  <Guarded
                    label={tr('HARBOR_CONNECT_PROJECT_BIND')}
                    reason={bindReason}
                    onClick={() => open({ type: 'bind', secret: c.name })}
                    testId={`hc-cred-bind-${c.name}`}
                  />
                </td>
              </tr>
            ))}
          </CompactTable>
        )}
      </Section>

      <Section title={tr('HARBOR_CONNECT_PROJECT_SERVICE_ACCOUNTS_TITLE')} testId="hc-project-sas">
        <div style={{ ...muted, marginBottom: 8 }}>{tr('HARBOR_CONNECT_PROJECT_SA_HINT')}</div>
        {data.serviceAccounts.isError ? <ErrorAlert error={data.serviceAccounts.error} /> : null}
        <CompactTable columns={[tr('HARBOR_CONNECT_PROJECT_COL_NAME'), tr('HARBOR_CONNECT_PROJECT_COL_PULL_SECRETS'), '']}>
          {sas.map((sa) => {
            const name = sa.metadata?.name ?? '';
            const names = pullSecretNames(sa.imagePullSecrets);
            const warns = bindingWarnings(names, secretMap);
            const reason = reasonFor('ServiceAccount');
            const t = [{ kind: 'ServiceAccount' as const, name }];
            return (
              <tr key={name} data-testid={`hc-sa-row-${name}`}>
                <td style={td}>{name}</td>
                <td style={td}>
                  <SecretTags names={names} secrets={secretMap} />
                  {warns.map((w, i) => (
                    <div key={i} style={{ color: colors.warning, fontSize: 12 }} data-testid="hc-row-warning">
                      {warningText(w)}
                    </div>
                  ))}
                </td>
                <td style={{ ...td, textAlign: 'right', whiteSpace: 'nowrap' }}>
                  <Guarded label={tr('HARBOR_CONNECT_PROJECT_BIND')} reason={reason} onClick={() => open({ type: 'bind', targets: t })} testId={`hc-sa-bind-${name}`} />
                  <Guarded
                    label={tr('HARBOR_CONNECT_PROJECT_UNBIND')}
                    reason={reason ?? (names.length ? undefined : tr('HARBOR_CONNECT_PROJECT_NOTHING_BOUND'))}
                    onClick={() => open({ type: 'unbind', targets: t })}
                    testId={`hc-sa-unbind-${name}`}
                  />
                  {reason ? <div style={{ ...muted, whiteSpace: 'normal', maxWidth: 360, marginLeft: 'auto' }} data-testid="hc-row-reason">{reason}</div> : null}
                </td>
              </tr>
            );
          })}
        </CompactTable>
      </Section>

      <Section title={tr('HARBOR_CONNECT_PROJECT_WORKLOADS_TITLE')} testId="hc-project-workloads">
        {data.workloadErrors.length ? <ErrorAlert error={data.workloadErrors[0]} /> : null}
        {data.workloadsLoading ? <Spinner /> : null}
        {!data.workloadsLoading && data.workloads.length === 0 ? <div style={{ ...muted, padding: 12 }}>{tr('HARBOR_CONNECT_PROJECT_NO_WORKLOADS')}</div> : null}
        {data.workloads.length ? (
          <CompactTable
            columns={[
              tr('HARBOR_CONNECT_PROJECT_COL_NAME'),
              tr('HARBOR_CONNECT_PROJECT_COL_IMAGES'),
              tr('HARBOR_CONNECT_PROJECT_COL_PULL_SECRETS'),
              '',
            ]}
          >
            {data.workloads.map((w) => {
              const spec = podSpecOf(w.obj);
              const names = pullSecretNames(spec?.imagePullSecrets);
              const sa = serviceAccountOf(spec);
              const saNames = pullSecretNames(sas.find((s) => s.metadata?.name === sa)?.imagePullSecrets);
              const images = podSpecImages(spec);
              const warns = bindingWarnings(names, secretMap, images);
              const reason = w.kind === 'Job' ? tr('HARBOR_CONNECT_BINDING_NOTE_JOB_IMMUTABLE', { secret: '' }) : reasonFor(w.kind);
              const t = [{ kind: w.kind, name: w.name }];
              return (
                <tr key={`${w.kind}/${w.name}`} data-testid={`hc-workload-row-${w.kind}-${w.name}`}>
                  <td style={td}>
                    <Tag>{w.kind}</Tag> {w.name}
                  </td>
                  <td style={td}>
                    {images.map((i) => (
                      <div key={i}>
                        <span style={{ fontFamily: 'Monaco, Menlo, Consolas, monospace', fontSize: 12 }}>{i}</span>
                      </div>
                    ))}
                  </td>
                  <td style={td}>
                    <SecretTags names={names} secrets={secretMap} />
                    <div style={muted}>
                      {tr('HARBOR_CONNECT_PROJECT_VIA_SA', { serviceAccount: sa, secrets: saNames.join(', ') || '—' })}
                    </div>
                    {warns.map((x, i) => (
                      <div key={i} style={{ color: colors.warning, fontSize: 12 }} data-testid="hc-row-warning">
                        {warningText(x)}
                      </div>
                    ))}
                  </td>
                  <td style={{ ...td, textAlign: 'right', whiteSpace: 'nowrap' }}>
                    <Guarded label={tr('HARBOR_CONNECT_PROJECT_BIND')} reason={reason} onClick={() => open({ type: 'bind', targets: t })} testId={`hc-workload-bind-${w.kind}-${w.name}`} />
                    <Guarded
                      label={tr('HARBOR_CONNECT_PROJECT_UNBIND')}
                      reason={reason ?? (names.length ? undefined : tr('HARBOR_CONNECT_PROJECT_NOTHING_BOUND'))}
                      onClick={() => open({ type: 'unbind', targets: t })}
                      testId={`hc-workload-unbind-${w.kind}-${w.name}`}
                    />
                  </td>
                </tr>
              );
            })}
          </CompactTable>
        ) : null}
      </Section>
    </div>
  );
}
