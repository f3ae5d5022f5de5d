import React from 'react';
import { Button, Card, Input, Select } from '@kubed/components';
import { clusterContext, type ClusterContext, type ReverseProxy } from '../../api';
import { probeDeleteWrite } from '../../domain/registry/probe';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Spinner } from '../../components/Spinner';
import { localDateTime, When, whenText, withLocalDates } from '../../components/When';
import type { Write } from '../../domain/plan/write';
import { NetpolPlanError } from '../../domain/netpol';
import type { RegistryRecord } from '../../domain/record';
import { tr } from '../../i18n/t';
import { PullTestRunner } from '../pulltest/PullTestRunner';
import {
  destinationOf,
  hostOf,
  planEgressFixes,
  planRegistryCertificate,
  type CheckItem,
  type CheckResult,
  type CheckState,
  type Text,
} from '../../domain/health';
import { PlannedWrite } from './PlannedWrite';
import { EXT_NS } from './sources';
import { useHealth, useIssuerChoices } from './useHealth';
import { colors } from '../../components/theme';

export interface HealthPanelProps {
  /** The cluster's name (from the route) or a ready context. */
  cluster: string | ClusterContext;
  registryId: string;
  /** Scope to one project (the project page): lists are read in that namespace only. */
  namespace?: string;
  /** Hide the pull-test runner (the page shows it elsewhere). */
  hidePullTest?: boolean;
}

const H = 'HARBOR_CONNECT_HEALTH_';
export const STATE_COLOR: Record<CheckState, string> = { ok: colors.success, warning: colors.warning, error: colors.error, unknown: colors.muted };

// Dates in check texts ("expires on {date}") are instants in the domain: the user's language and zone here.
const t = (x: Text | undefined) => (x ? tr(x.key, withLocalDates(x.params)) : '');

export function StateBadge({ state, testId }: { state: CheckState; testId?: string }) {
  return (
    <span
      data-testid={testId}
      data-state={state}
      style={{ display: 'inline-block', minWidth: 64, textAlign: 'center', padding: '1px 8px', borderRadius: 10, fontSize: 12, color: colors.white, background: STATE_COLOR[state] }}
    >
      {tr(`${H}STATE_${state.toUpperCase()}`)}
    </span>
  );
}

/** "checked 3 minutes ago" (the local date-time as its title), or "not checked yet". */
function CheckedAt({ ms, now }: { ms: number | undefined; now: number }) {
  return (
    <div style={{ fontSize: 12, color: colors.muted }} title={ms ? localDateTime(ms) : undefined}>
      {ms ? tr(`${H}CHECKED_AT`, { time: whenText(ms, now) }) : tr(`${H}NEVER_CHECKED`)}
    </div>
  );
}

function Items({ items, check }: { items: CheckItem[]; check: string }) {
  if (!items.length) return null;
  return (
    <table style={{ width: '100%', borderCollapse: 'collapse', fontSize: 12, marginTop: 8 }}>
      <tbody>
        {items.map((i, n) => (
          <tr key={`${i.subject}-${n}`} data-testid={`hc-health-item-${check}`} data-state={i.state} data-subject={i.subject} style={{ borderTop: `1px solid ${colors.rowBorder}`, verticalAlign: 'top' }}>
            <td style={{ padding: '6px 4px', width: 90 }}>
              <StateBadge state={i.state} />
            </td>
            <td style={{ padding: '6px 4px', width: 200, fontWeight: 600, wordBreak: 'break-all' }}>{i.subject}</td>
            <td style={{ padding: '6px 4px' }}>
              <div>{t(i.text)}</div>
              {i.fix ? <div style={{ color: colors.textSecondary, marginTop: 2 }}>→ {t(i.fix)}</div> : null}
              {i.detail || i.at ? (
                <div style={{ color: colors.muted, marginTop: 2, wordBreak: 'break-all' }}>
                  {i.at ? <When value={i.at} testId="hc-health-item-at" /> : null}
                  {i.at && i.detail ? ' · ' : null}
                  {i.detail}
                </div>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Section({ result, checkedAt, now, children }: { result: CheckResult; checkedAt?: number; now: number; children?: React.ReactNode }) {
  // Open where there is something to read or to do: a failure, a warning, or an unknown the user can resolve.
  const wantsAttention = result.state === 'error' || result.state === 'warning' || (result.state === 'unknown' && !!result.fix);
  const [open, setOpen] = React.useState(result.id === 'pulltest' || wantsAttention);
  React.useEffect(() => {
    if (wantsAttention) setOpen(true);
  }, [wantsAttention]);
  return (
    <div data-testid={`hc-health-${result.id}`} data-state={result.state} style={{ borderTop: `1px solid ${colors.border}`, padding: '12px 0' }}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 12, cursor: 'pointer' }} onClick={() => setOpen(!open)}>
        <StateBadge state={result.state} testId={`hc-health-${result.id}-state`} />
        <div style={{ fontWeight: 600, width: 200 }}>{tr(`${H}CHECK_${result.id.toUpperCase()}`)}</div>
        <div style={{ flex: 1 }} data-testid={`hc-health-${result.id}-summary`}>
          {t(result.summary)}
        </div>
        <CheckedAt ms={checkedAt} now={now} />
        <div style={{ color: colors.muted, width: 12 }}>{open ? '▾' : '▸'}</div>
      </div>
      {result.fix && result.state !== 'ok' ? (
        <div data-testid={`hc-health-${result.id}-fix`} style={{ margin: '6px 0 0 76px', color: colors.textSecondary }}>
          <b>{tr(`${H}WHAT_TO_DO`)}</b> {t(result.fix)}
        </div>
      ) : null}
      {open ? (
        <div style={{ marginLeft: 76 }}>
          <Items items={result.items} check={result.id} />
          {children}
        </div>
      ) : null}
    </div>
  );
}

function NetworkExtras({ cluster, record, view, result }: { cluster: ClusterContext; record: RegistryRecord; view: ReturnType<typeof useHealth>; result: CheckResult }) {
  const [draft, setDraft] = React.useState(view.destinationOverride);
  const [plan, setPlan] = React.useState<Write[] | undefined>();
  const [err, setErr] = React.useState<string | undefined>();
  const dest = destinationOf(record, view.destinationOverride);
  const blocked = result.items.filter((i) => i.state === 'error').map((i) => i.subject);
  const needs = 'needsAddress' in dest;
  const planFor = (namespaces: string[]) => {
    try {
      const fixes = planEgressFixes(record, dest, namespaces, view.networkPolicies);
      if (!fixes) return;
      setErr(undefined);
      setPlan(fixes);
    } catch (e) {
      setErr(e instanceof NetpolPlanError ? tr(`${H}NET_PLAN_${e.code.toUpperCase().replace(/-/g, '_')}`) : String(e));
    }
  };
  return (
    <div style={{ marginTop: 8 }}>
      {needs || view.destinationOverride ? (
        <div style={{ display: 'flex', gap: 8, alignItems: 'center', marginBottom: 8 }}>
          <span style={{ fontSize: 12 }}>{tr(`${H}NET_ADDRESS_LABEL`, { host: hostOf(record).host })}</span>
          <Input value={draft} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setDraft(e.target.value)} placeholder="10.0.0.5 / 10.0.0.0/24" style={{ width: 220 }} data-testid="hc-health-net-address" />
          <Button size="sm" onClick={() => view.setDestinationOverride(draft)} data-testid="hc-health-net-address-save">
            {tr(`${H}NET_ADDRESS_SAVE`)}
          </Button>
        </div>
      ) : null}
      {blocked.length && !plan ? (
        <Button color="secondary" size="sm" onClick={() => planFor(blocked)} data-testid="hc-health-net-allow">
          {tr(`${H}NET_ALLOW`, { count: blocked.length })}
        </Button>
      ) : null}
      {err ? <div style={{ color: colors.error }}>{err}</div> : null}
      {plan ? <PlannedWrite cluster={cluster} writes={plan} onClose={() => setPlan(undefined)} testId="hc-health-net-plan" /> : null}
    </div>
  );
}

function CertManagerExtras({ cluster, record, result }: { cluster: ClusterContext; record: RegistryRecord; result: CheckResult }) {
  const [open, setOpen] = React.useState(false);
  const [issuer, setIssuer] = React.useState('');
  const [plan, setPlan] = React.useState<Write[] | undefined>();
  const issuersQ = useIssuerChoices(cluster, open);
  if (result.summary.key !== `${H}CM_NONE`) return null;
  const make = () => {
    const [kind, name] = issuer.split('/');
    setPlan([planRegistryCertificate(record, { kind, name }, EXT_NS)]);
  };
  return (
    <div style={{ marginTop: 8 }}>
      {!open ? (
        <Button size="sm" color="secondary" onClick={() => setOpen(true)} data-testid="hc-health-cm-create">
          {tr(`${H}CM_CREATE`)}
        </Button>
      ) : (
        <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
          <Select
            value={issuer || undefined}
            onChange={(v: string) => setIssuer(v)}
            placeholder={tr(`${H}CM_PICK_ISSUER`)}
            options={(issuersQ.data ?? []).map((i) => ({ label: `${i.name} (${i.kind})`, value: `${i.kind}/${i.name}` }))}
            style={{ width: 260 }}
            data-testid="hc-health-cm-issuer"
          />
          <Button size="sm" disabled={!issuer} onClick={make}>
            {tr(`${H}PREVIEW`)}
          </Button>
          {issuersQ.data && issuersQ.data.length === 0 ? <span style={{ color: colors.muted }}>{tr(`${H}CM_NO_ISSUERS`)}</span> : null}
        </div>
      )}
      {plan ? <PlannedWrite cluster={cluster} writes={plan} onClose={() => setPlan(undefined)} testId="hc-health-cm-plan" /> : null}
    </div>
  );
}

/** ReverseProxies of ours that send a registry credential upstream: previewed deletes (only the objects read). */
function CredentialProxyRemoval({ cluster, proxies }: { cluster: ClusterContext; proxies: ReverseProxy[] }) {
  const [plan, setPlan] = React.useState<Write[] | undefined>();
  return (
    <div style={{ marginTop: 8 }}>
      {!plan ? (
        <Button size="sm" color="error" onClick={() => setPlan(proxies.map(probeDeleteWrite))} data-testid="hc-health-leak-delete">
          {tr(`${H}REACH_LEAK_DELETE`, { count: proxies.length })}
        </Button>
      ) : (
        <PlannedWrite cluster={cluster} writes={plan} onClose={() => setPlan(undefined)} testId="hc-health-leak-plan" />
      )}
    </div>
  );
}

/** The health of one registry: every check with its state, when it was checked, and what to do. */
export function HealthPanel({ cluster: clusterProp, registryId, namespace, hidePullTest }: HealthPanelProps) {
  const cluster = React.useMemo(() => (typeof clusterProp === 'string' ? clusterContext(clusterProp) : clusterProp), [clusterProp]);
  const view = useHealth(cluster, registryId, namespace);
  const [now, setNow] = React.useState(Date.now());
  React.useEffect(() => {
    const tm = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(tm);
  }, []);
  React.useEffect(() => setNow(Date.now()), [view.refreshing]);

  if (view.loading) return <Spinner />;
  if (view.error) return <ErrorAlert error={view.error} />;
  const record = view.record;
  return (
    <Card data-testid="hc-health" data-state={view.overall} style={{ marginTop: 12 }}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 12, marginBottom: 8 }}>
        <div style={{ fontSize: 16, fontWeight: 600 }}>{tr(`${H}TITLE`)}</div>
        <StateBadge state={view.overall} testId="hc-health-overall" />
        <div style={{ flex: 1 }} />
        <Button variant="outline" size="sm" onClick={view.refresh} loading={view.refreshing} data-testid="hc-health-refresh">
          {tr(`${H}REFRESH`)}
        </Button>
      </div>
      {!record ? (
        <div data-testid="hc-health-no-record" style={{ color: colors.muted, marginBottom: 8 }}>
          {tr(`${H}RECORD_${(view.recordError ?? 'missing').toUpperCase().replace(/-/g, '_')}`)}
        </div>
      ) : null}
      {view.checks.map((c) => (
        <Section key={c.id} result={c} checkedAt={view.checkedAt[c.id]} now={now}>
          {c.id === 'network' && record ? <NetworkExtras cluster={cluster} record={record} view={view} result={c} /> : null}
          {c.id === 'reachability' && record?.kind === 'harbor' && c.state !== 'unknown' ? (
            <div style={{ marginTop: 8, fontSize: 12 }} data-testid="hc-health-harbor-version">
              {view.harborVersion ? (
                tr(`${H}HARBOR_VERSION`, { version: view.harborVersion })
              ) : (
                <Button size="sm" variant="text" loading={view.harborVersionLoading} onClick={view.showHarborVersion}>
                  {tr(`${H}HARBOR_SHOW_VERSION`)}
                </Button>
              )}
            </div>
          ) : null}
          {c.id === 'reachability' && view.credentialProxies.length ? <CredentialProxyRemoval cluster={cluster} proxies={view.credentialProxies} /> : null}
          {c.id === 'certmanager' && record ? <CertManagerExtras cluster={cluster} record={record} result={c} /> : null}
          {c.id === 'pulltest' && record && !hidePullTest ? (
            <div style={{ marginTop: 8 }}>
              <PullTestRunner cluster={cluster} record={record} namespaces={view.namespaces} pullSecrets={view.pullSecrets} nodes={view.nodes} pods={view.pods} />
            </div>
          ) : null}
        </Section>
      ))}
    </Card>
  );
}
