// "Update credentials" and "Remove registry" for the registry detail page: each shows its plan first, then
// applies it with the shared ApplyProgress. Usage: <UpdateCredentials cluster={ctx} registryId={id} />,
// <RemoveRegistry cluster={ctx} registryId={id} onRemoved={...} />.
import React, { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Input, InputPassword } from '@kubed/components';
import type { Pod, Secret, ServiceAccount, ConfigMap } from 'kubernetes-types/core/v1';
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import {
  configMaps,
  daemonSets,
  unlessNotFound,
  planExecutor,
  pods,
  removeSecretQueries,
  reverseProxies,
  secrets,
  serviceAccounts,
  type ClusterContext,
} from '../../api';
import { managedSelector } from '../../domain/plan/labels';
import type { Write } from '../../domain/plan/write';
import { normalizeRegistryAddress } from '../../domain/registry';
import { COMPONENT_LABEL, DEFAULT_EXTENSION_NAMESPACE, parseRegistryRecord, recordSecretName, type RegistryRecord } from '../../domain/record';
import { installerRolledOut, trustInstallerName } from '../../domain/trust';
import { tr } from '../../i18n/t';
import { PlanReview } from '../../components/plan/PlanReview';
import { ApplyProgress } from '../../components/plan/ApplyProgress';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Spinner } from '../../components/Spinner';
import { planCredentialRotation, planRegistryRemoval, writeStage } from './plan';
import { Field, inputStyle } from './ui';

async function readRegistry(cluster: ClusterContext, registryId: string, signal?: AbortSignal) {
  const rec = await secrets.get(cluster, recordSecretName(registryId), { namespace: DEFAULT_EXTENSION_NAMESPACE, signal });
  const parsed = parseRegistryRecord(rec);
  if (!parsed.ok) throw new Error(`registry record ${registryId}: ${parsed.reason}`);
  const all = (await secrets.listAll(cluster, { labelSelector: managedSelector(registryId), signal })).items as Secret[];
  return { record: parsed.record, copies: all.filter((s) => !s.metadata?.labels?.[COMPONENT_LABEL]) };
}

export function UpdateCredentials({ cluster, registryId }: { cluster: ClusterContext; registryId: string }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [data, setData] = useState<{ record: RegistryRecord; copies: Secret[] }>();
  const [error, setError] = useState<unknown>();
  const [applying, setApplying] = useState(false);
  useEffect(() => {
    const ctl = new AbortController();
    readRegistry(cluster, registryId, ctl.signal).then(setData, (e) => !ctl.signal.aborted && setError(e));
    return () => {
      ctl.abort();
      removeSecretQueries(undefined, cluster.name);
    };
  }, [cluster, registryId]);
  const writes: Write[] = useMemo(() => {
    if (!data || !username || !password) return [];
    const a = normalizeRegistryAddress(data.record.address || data.record.serverKey, { allowInsecure: data.record.insecure });
    if (!a.ok) return [];
    return planCredentialRotation({ address: a.value, username, password, secrets: data.copies });
  }, [data, username, password]);
  const executor = useMemo(() => planExecutor(cluster), [cluster]);
  if (error) return <ErrorAlert error={error} />;
  if (!data) return <Spinner />;
  return (
    <div data-testid="hc-update-credentials">
      <div style={{ fontSize: 12, color: '#79879c', marginBottom: 12 }}>{tr('HARBOR_CONNECT_WIZARD_ROTATE_DESC', { count: data.copies.length })}</div>
      {applying ? (
        <ApplyProgress writes={writes} execute={executor} stage={writeStage} />
      ) : (
        <>
          <Field label={tr('HARBOR_CONNECT_WIZARD_USERNAME')}>
            <Input value={username} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setUsername(e.target.value)} style={inputStyle} data-testid="hc-rotate-username" />
          </Field>
          <Field label={tr('HARBOR_CONNECT_WIZARD_PASSWORD')}>
            <InputPassword value={password} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setPassword(e.target.value)} style={inputStyle} data-testid="hc-rotate-password" />
          </Field>
          {username && password ? <PlanReview writes={writes} fileName={`harbor-connect-${registryId}-rotation.yaml`} /> : null}
          <Button color="secondary" style={{ marginTop: 12 }} disabled={!writes.length} onClick={() => setApplying(true)} data-testid="hc-rotate-apply">
            {tr('HARBOR_CONNECT_WIZARD_APPLY')}
          </Button>
        </>
      )}
    </div>
  );
}

interface RemovalData {
  phases: Write[][];
  waitForInstaller: boolean;
}

export function RemoveRegistry({ cluster, registryId, onRemoved }: { cluster: ClusterContext; registryId: string; onRemoved?: () => void }) {
  const [data, setData] = useState<RemovalData>();
  const [error, setError] = useState<unknown>();
  const [phase, setPhase] = useState(-1);
  const [waiting, setWaiting] = useState(false);
  const executor = useMemo(() => planExecutor(cluster), [cluster]);
  useEffect(() => {
    const ctl = new AbortController();
    (async () => {
      const { record, copies } = await readRegistry(cluster, registryId, ctl.signal);
      const namespaces = [...new Set(copies.map((s) => s.metadata?.namespace ?? ''))].filter(Boolean);
      const sas = (await Promise.all(namespaces.map((ns) => serviceAccounts.list(cluster, { namespace: ns, signal: ctl.signal })))).flatMap((l) => l.items as ServiceAccount[]);
      const name = trustInstallerName(registryId);
      const [cm, ds] = await Promise.all([
        unlessNotFound(configMaps.get(cluster, name, { namespace: record.namespace, signal: ctl.signal })) as Promise<ConfigMap | undefined>,
        unlessNotFound(daemonSets.get(cluster, name, { namespace: record.namespace, signal: ctl.signal })) as Promise<DaemonSet | undefined>,
      ]);
      const proxies = await reverseProxies.list(cluster, { labelSelector: managedSelector(registryId), signal: ctl.signal }).catch(() => ({ items: [] }));
      setData(planRegistryRemoval({ record, secrets: copies, serviceAccounts: sas, installer: cm || ds ? { configMap: cm, daemonSet: ds } : undefined, reverseProxies: proxies.items }));
    })().catch((e) => !ctl.signal.aborted && setError(e));
    return () => ctl.abort();
  }, [cluster, registryId]);

  const waitForInstaller = async () => {
    setWaiting(true);
    const name = trustInstallerName(registryId);
    const deadline = Date.now() + 300_000;
    while (Date.now() < deadline) {
      const ds = (await unlessNotFound(daemonSets.get(cluster, name, { namespace: DEFAULT_EXTENSION_NAMESPACE }))) as DaemonSet | undefined;
      if (!ds) break;
      const list = (await pods.list(cluster, { namespace: DEFAULT_EXTENSION_NAMESPACE, labelSelector: managedSelector(registryId) })).items as Pod[];
      if (installerRolledOut({ daemonSet: ds, pods: list, mode: 'remove' })) break;
      await new Promise((r) => setTimeout(r, 3000));
    }
    setWaiting(false);
    setPhase(1);
  };

  if (error) return <ErrorAlert error={error} />;
  if (!data) return <Spinner />;
  const all = data.phases.flat();
  return (
    <div data-testid="hc-remove-registry">
      <Alert type="warning" title={tr('HARBOR_CONNECT_WIZARD_REMOVE_TITLE')} style={{ marginBottom: 12 }}>
        {tr('HARBOR_CONNECT_WIZARD_REMOVE_DESC')}
      </Alert>
      {phase < 0 ? (
        <>
          <PlanReview writes={all} fileName={`harbor-connect-${registryId}-removal.yaml`} />
          <Button color="error" style={{ marginTop: 12 }} onClick={() => setPhase(0)} data-testid="hc-remove-apply">
            {tr('HARBOR_CONNECT_WIZARD_REMOVE_RUN')}
          </Button>
        </>
      ) : (
        data.phases.slice(0, phase + 1).map((writes, i) => (
          <div key={i} style={{ marginBottom: 12 }}>
            <ApplyProgress
              writes={writes}
              execute={executor}
              stage={writeStage}
              testId={`hc-remove-phase-${i}`}
              onFinished={(out) => {
                if (out.some((o) => o.status === 'failed')) return;
                if (i === 0 && data.phases.length > 1) {
                  if (data.waitForInstaller) void waitForInstaller();
                  else setPhase(1);
                } else onRemoved?.();
              }}
            />
          </div>
        ))
      )}
      {waiting ? (
        <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
          <Spinner />
          <span>{tr('HARBOR_CONNECT_WIZARD_REMOVE_WAIT')}</span>
          <Button size="sm" onClick={() => setPhase(1)}>
            {tr('HARBOR_CONNECT_WIZARD_REMOVE_CONTINUE')}
          </Button>
        </div>
      ) : null}
    </div>
  );
}
