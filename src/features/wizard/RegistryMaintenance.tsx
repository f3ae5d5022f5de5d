// "Update credentials" and "Remove registry" for the registry detail page: each shows its plan first, then
// applies it with the shared ApplyProgress. Usage: <UpdateCredentials cluster={ctx} registryId={id} />,
// <RemoveRegistry cluster={ctx} registryId={id} onRemoved={...} />.
import React, { useEffect, useMemo, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Input, InputPassword } from '@kubed/components';
import type { ServiceAccount, ConfigMap } from 'kubernetes-types/core/v1';
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import {
  configMaps,
  daemonSets,
  unlessNotFound,
  planExecutor,
  queryKeys,
  removeSecretQueries,
  reverseProxies,
  serviceAccounts,
  type ClusterContext,
} from '../../api';
import { managedSelector } from '../../domain/plan/labels';
import type { Write } from '../../domain/plan/write';
import { normalizeRegistryAddress } from '../../domain/registry';
import { COMPONENT_LABEL } from '../../domain/record';
import { trustInstallerName } from '../../domain/trust';
import { tr } from '../../i18n/t';
import { PlanReview } from '../../components/plan/PlanReview';
import { PreflightSummary, useDebounced, usePreflight } from '../../components/plan/usePreflight';
import { ApplyProgress } from '../../components/plan/ApplyProgress';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Spinner } from '../../components/Spinner';
import { planCredentialRotation, planRegistryRemoval, writeStage } from '../../domain/wizard/plan';
import { waitForRemoveMode } from './removal';
import { fetchRegistryCopies } from './load';
import { removalReducer, type RemovalEvent, type RemovalState } from '../../domain/wizard/removal';
import { Field, inputStyle } from './ui';
import { colors } from '../../components/theme';

/** The first value a query delivered: a plan under review (and then applied) never changes under the user. */
function useFirst<T>(value: T | undefined): T | undefined {
  const first = useRef<T | undefined>(undefined);
  if (first.current === undefined && value !== undefined) first.current = value;
  return first.current;
}

/** A composite read for the maintenance panels: fresh on every mount, Secret data never kept once unused. */
const ONCE = { staleTime: Infinity, cacheTime: 0, retry: false, refetchOnWindowFocus: false } as const;

async function loadRemoval(cluster: ClusterContext, registryId: string, signal?: AbortSignal): Promise<RemovalData> {
  const { record, copies: all } = await fetchRegistryCopies(cluster, registryId, signal);
  const copies = all.filter((s) => !s.metadata?.labels?.[COMPONENT_LABEL]);
  const namespaces = [...new Set(copies.map((s) => s.metadata?.namespace ?? ''))].filter(Boolean);
  const sas = (await Promise.all(namespaces.map((ns) => serviceAccounts.list(cluster, { namespace: ns, signal })))).flatMap((l) => l.items as ServiceAccount[]);
  const name = trustInstallerName(registryId);
  const [cm, ds] = await Promise.all([
    unlessNotFound(configMaps.get(cluster, name, { namespace: record.namespace, signal })) as Promise<ConfigMap | undefined>,
    unlessNotFound(daemonSets.get(cluster, name, { namespace: record.namespace, signal })) as Promise<DaemonSet | undefined>,
  ]);
  const proxies = await reverseProxies.list(cluster, { labelSelector: managedSelector(registryId), signal }).catch(() => ({ items: [] }));
  const plan = planRegistryRemoval({ record, secrets: copies, serviceAccounts: sas, installer: cm || ds ? { configMap: cm, daemonSet: ds } : undefined, reverseProxies: proxies.items });
  return { ...plan, namespace: record.namespace };
}

export function UpdateCredentials({ cluster, registryId, onClose }: { cluster: ClusterContext; registryId: string; onClose?: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [applying, setApplying] = useState(false);
  const q = useQuery({
    queryKey: queryKeys.composite.registryCopies(cluster.name, registryId),
    queryFn: ({ signal }) => fetchRegistryCopies(cluster, registryId, signal),
    ...ONCE,
  });
  const read = useFirst(q.data);
  // The pull secrets to rotate (not the record).
  const data = useMemo(() => read && { record: read.record, copies: read.copies.filter((s) => !s.metadata?.labels?.[COMPONENT_LABEL]) }, [read]);
  const error = read ? undefined : q.error;
  useEffect(() => () => removeSecretQueries(undefined, cluster.name), [cluster]);
  const writes: Write[] = useMemo(() => {
    if (!data || !username || !password) return [];
    const a = normalizeRegistryAddress(data.record.address || data.record.serverKey, { allowInsecure: data.record.insecure });
    if (!a.ok) return [];
    return planCredentialRotation({ address: a.value, username, password, secrets: data.copies });
  }, [data, username, password]);
  const executor = useMemo(() => planExecutor(cluster), [cluster]);
  // Every replace dry-run before Apply: a user who may not update some project's Secret learns it now.
  const checked = useDebounced(writes, 600);
  const preflight = usePreflight(cluster, checked.length ? checked : undefined);
  const ready = preflight.ok && checked === writes;
  if (error) return <ErrorAlert error={error} />;
  if (!data) return <Spinner />;
  return (
    <div data-testid="hc-update-credentials">
      <div style={{ fontSize: 12, color: colors.muted, marginBottom: 12 }}>{tr('HARBOR_CONNECT_WIZARD_ROTATE_DESC', { count: data.copies.length })}</div>
      {applying ? (
        <>
          <ApplyProgress writes={writes} execute={executor} stage={writeStage} testId="hc-rotate-apply-progress" />
          <Button variant="outline" style={{ marginTop: 12 }} onClick={onClose} data-testid="hc-rotate-close">
            {tr('HARBOR_CONNECT_HEALTH_CLOSE')}
          </Button>
        </>
      ) : (
        <>
          <Field label={tr('HARBOR_CONNECT_WIZARD_USERNAME')}>
            <Input value={username} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setUsername(e.target.value)} style={inputStyle} data-testid="hc-rotate-username" />
          </Field>
          <Field label={tr('HARBOR_CONNECT_WIZARD_PASSWORD')}>
            <InputPassword value={password} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setPassword(e.target.value)} style={inputStyle} data-testid="hc-rotate-password" />
          </Field>
          {username && password && writes.length ? <PreflightSummary preflight={preflight} /> : null}
          {username && password ? <PlanReview writes={writes} fileName={`harbor-connect-${registryId}-rotation.yaml`} verdicts={preflight.verdicts} /> : null}
          <div style={{ display: 'flex', gap: 8, marginTop: 12 }}>
            <Button color="secondary" disabled={!writes.length || !ready} onClick={() => setApplying(true)} data-testid="hc-rotate-apply">
              {tr('HARBOR_CONNECT_WIZARD_APPLY')}
            </Button>
            <Button variant="outline" onClick={onClose} data-testid="hc-rotate-cancel">
              {tr('HARBOR_CONNECT_HEALTH_CANCEL')}
            </Button>
          </div>
        </>
      )}
    </div>
  );
}

interface RemovalData {
  phases: Write[][];
  waitForInstaller: boolean;
  namespace: string;
}

/**
 * The one removal path: the plan of every phase shown first, then phase by phase; a failed write stops it (retry
 * the failed writes to go on), phase 1 waits for the installer's remove-mode rollout (asks after 5 minutes),
 * Cancel stops everything not yet sent and nothing further runs.
 */
export function RemoveRegistry({ cluster, registryId, onRemoved, onClose }: { cluster: ClusterContext; registryId: string; onRemoved?: () => void; onClose?: () => void }) {
  const [state, setState] = useState<RemovalState>({ kind: 'review' });
  const abort = useRef(new AbortController());
  const executor = useMemo(() => planExecutor(cluster), [cluster]);
  const q = useQuery({
    queryKey: queryKeys.composite.registryRemoval(cluster.name, registryId),
    queryFn: ({ signal }) => loadRemoval(cluster, registryId, signal),
    ...ONCE,
  });
  const data = useFirst(q.data);
  const error = data ? undefined : q.error;

  const shape = { phases: data?.phases.length ?? 0, waitForInstaller: !!data?.waitForInstaller };
  // Every write of every phase dry-run before the first one runs.
  const allWrites = useMemo(() => data?.phases.flat(), [data]);
  const preflight = usePreflight(cluster, allWrites);
  const send = (event: RemovalEvent) => setState((cur) => removalReducer(shape, cur, event));

  // The wait between the phases: only while in 'waiting', stopped by Cancel.
  useEffect(() => {
    if (state.kind !== 'waiting' || !data) return undefined;
    let live = true;
    void waitForRemoveMode(cluster, { registryId, namespace: data.namespace }, { signal: abort.current.signal }).then((r) => {
      if (!live) return;
      if (r === 'rolled-out') send({ type: 'rolled-out' });
      else if (r === 'timeout') send({ type: 'rollout-timeout' });
    });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.kind, data, cluster, registryId]);

  useEffect(() => {
    if (state.kind === 'removed') onRemoved?.();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.kind]);
  useEffect(() => () => abort.current.abort(), []);

  const cancel = () => {
    abort.current.abort();
    send({ type: 'cancel' });
  };

  if (error) return <ErrorAlert error={error} />;
  if (!data) return <Spinner />;
  const all = data.phases.flat();
  const shownPhases = state.kind === 'phase' ? state.phase + 1 : state.kind === 'waiting' || state.kind === 'wait-timeout' ? 1 : state.kind === 'cancelled' || state.kind === 'removed' ? -1 : 0;
  const stopped = state.kind === 'phase' && state.stopped;
  return (
    <div data-testid="hc-remove-registry" data-state={state.kind}>
      <Alert type="warning" title={tr('HARBOR_CONNECT_WIZARD_REMOVE_TITLE')} style={{ marginBottom: 12 }}>
        {tr('HARBOR_CONNECT_WIZARD_REMOVE_DESC')}
      </Alert>
      {state.kind === 'review' ? (
        <>
          <PreflightSummary preflight={preflight} />
          <PlanReview writes={all} fileName={`harbor-connect-${registryId}-removal.yaml`} verdicts={preflight.verdicts} />
        </>
      ) : null}
      {data.phases.slice(0, Math.max(0, shownPhases)).map((writes, i) => (
        <div key={i} style={{ marginBottom: 12 }}>
          <div style={{ fontWeight: 600, marginBottom: 6 }}>{tr('HARBOR_CONNECT_REGISTRIES_REMOVE_PHASE', { phase: i + 1, total: data.phases.length })}</div>
          <ApplyProgress
            writes={writes}
            execute={executor}
            stage={writeStage}
            stopOnFailure
            signal={abort.current.signal}
            testId={`hc-remove-phase-${i}`}
            onFinished={(outcomes) => send({ type: 'phase-finished', phase: i, outcomes })}
          />
        </div>
      ))}
      {stopped ? (
        <Alert type="error" title={tr('HARBOR_CONNECT_WIZARD_REMOVE_STOPPED')} style={{ marginBottom: 12 }} data-testid="hc-remove-stopped">
          {tr('HARBOR_CONNECT_WIZARD_REMOVE_STOPPED_DESC')}
        </Alert>
      ) : null}
      {state.kind === 'waiting' ? (
        <div style={{ display: 'flex', gap: 8, alignItems: 'center', marginBottom: 12 }} data-testid="hc-remove-waiting">
          <Spinner />
          <span>{tr('HARBOR_CONNECT_WIZARD_REMOVE_WAIT')}</span>
        </div>
      ) : null}
      {state.kind === 'wait-timeout' ? (
        <Alert type="warning" title={tr('HARBOR_CONNECT_WIZARD_REMOVE_WAIT_TIMEOUT')} style={{ marginBottom: 12 }} data-testid="hc-remove-wait-timeout">
          <div>{tr('HARBOR_CONNECT_WIZARD_REMOVE_WAIT_TIMEOUT_DESC')}</div>
          <Button size="sm" color="error" style={{ marginTop: 8 }} onClick={() => send({ type: 'continue-anyway' })} data-testid="hc-remove-continue">
            {tr('HARBOR_CONNECT_WIZARD_REMOVE_CONTINUE')}
          </Button>
        </Alert>
      ) : null}
      {state.kind === 'cancelled' ? (
        <Alert type="info" title={tr('HARBOR_CONNECT_WIZARD_REMOVE_CANCELLED')} style={{ marginBottom: 12 }} data-testid="hc-remove-cancelled">
          {tr(state.at === 'review' ? 'HARBOR_CONNECT_WIZARD_REMOVE_CANCELLED_NOTHING' : 'HARBOR_CONNECT_WIZARD_REMOVE_CANCELLED_PARTIAL')}
        </Alert>
      ) : null}
      <div style={{ display: 'flex', gap: 8, marginTop: 12 }}>
        {state.kind === 'review' ? (
          <Button color="error" disabled={!preflight.ok} onClick={() => send({ type: 'start' })} data-testid="hc-remove-apply">
            {tr('HARBOR_CONNECT_WIZARD_REMOVE_RUN')}
          </Button>
        ) : null}
        {state.kind !== 'cancelled' && state.kind !== 'removed' ? (
          <Button variant="outline" onClick={cancel} data-testid="hc-remove-cancel">
            {tr('HARBOR_CONNECT_HEALTH_CANCEL')}
          </Button>
        ) : (
          <Button variant="outline" onClick={onClose} data-testid="hc-remove-close">
            {tr('HARBOR_CONNECT_HEALTH_CLOSE')}
          </Button>
        )}
      </div>
    </div>
  );
}
