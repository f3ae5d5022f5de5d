import React from 'react';
import { Button, Card, Input, InputPassword } from '@kubed/components';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router-dom';
import type { ConfigMap, Secret, ServiceAccount } from 'kubernetes-types/core/v1';
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import { configMaps, daemonSets, unlessNotFound, queryKeys, reverseProxies, secrets, serviceAccounts, type ClusterContext } from '../../api';
import { clusterContext } from '../../api/cluster';
import { EmptyState } from '../../components/EmptyState';
import { PageBanner } from '../../components/PageBanner';
import { Spinner } from '../../components/Spinner';
import { managedSelector } from '../../domain/plan/labels';
import type { Write } from '../../domain/plan/write';
import { normalizeRegistryAddress } from '../../domain/registry';
import type { RegistryRecord } from '../../domain/record';
import { trustInstallerName } from '../../domain/trust';
import { tr } from '../../i18n/t';
import { HealthPanel } from '../health/HealthPanel';
import { PlannedWrite } from '../health/PlannedWrite';
import { EXT_NS, fetchRegistrySecrets, healthKeys, STALE_MS } from '../health/sources';
import { useQuery } from '@tanstack/react-query';
import * as wizardPlan from '../wizard/plan';

const R = 'HARBOR_CONNECT_REGISTRIES_';
const dt: React.CSSProperties = { color: '#79879c', fontSize: 12 };
const dd: React.CSSProperties = { fontWeight: 600, marginBottom: 8, wordBreak: 'break-all' };

function RotateCredentials({ cluster, record, onClose }: { cluster: ClusterContext; record: RegistryRecord; onClose: () => void }) {
  const [username, setUsername] = React.useState('');
  const [password, setPassword] = React.useState('');
  const [plan, setPlan] = React.useState<Write[] | undefined>();
  const [error, setError] = React.useState<string | undefined>();
  const preview = async () => {
    setError(undefined);
    const addr = normalizeRegistryAddress(record.address, { allowInsecure: record.insecure });
    if (!addr.ok) return setError(addr.error);
    const list = await secrets.listAll(cluster, { labelSelector: managedSelector(record.id) });
    const pull = (list.items as Secret[]).filter((s) => s.metadata?.namespace !== EXT_NS);
    setPlan(wizardPlan.planCredentialRotation({ address: addr.value, username, password, secrets: pull }));
  };
  return (
    <Card style={{ marginTop: 12 }} data-testid="hc-rotate">
      <div style={{ fontWeight: 600, marginBottom: 8 }}>{tr(`${R}ROTATE_TITLE`)}</div>
      {!plan ? (
        <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
          <Input placeholder={tr(`${R}USERNAME`)} value={username} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setUsername(e.target.value)} style={{ width: 220 }} data-testid="hc-rotate-username" />
          <InputPassword placeholder={tr(`${R}PASSWORD`)} value={password} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setPassword(e.target.value)} style={{ width: 220 }} data-testid="hc-rotate-password" />
          <Button color="secondary" disabled={!username || !password} onClick={() => void preview().catch((e) => setError(String(e)))} data-testid="hc-rotate-preview">
            {tr('HARBOR_CONNECT_HEALTH_PREVIEW')}
          </Button>
          <Button variant="outline" onClick={onClose}>
            {tr('HARBOR_CONNECT_HEALTH_CANCEL')}
          </Button>
        </div>
      ) : (
        <PlannedWrite cluster={cluster} writes={plan} onClose={onClose} testId="hc-rotate-plan" />
      )}
      {error ? <div style={{ color: '#ca2621' }}>{error}</div> : null}
    </Card>
  );
}

function RemoveRegistry({ cluster, record, onClose, onRemoved }: { cluster: ClusterContext; record: RegistryRecord; onClose: () => void; onRemoved: () => void }) {
  const [phases, setPhases] = React.useState<Write[][] | undefined>();
  const [phase, setPhase] = React.useState(0);
  const [error, setError] = React.useState<string | undefined>();
  React.useEffect(() => {
    let cancelled = false;
    (async () => {
      const sel = managedSelector(record.id);
      const [list, sas, cm, ds, rps] = await Promise.all([
        secrets.listAll(cluster, { labelSelector: sel }),
        serviceAccounts.listAll(cluster),
        unlessNotFound(configMaps.get(cluster, trustInstallerName(record.id), { namespace: EXT_NS })),
        unlessNotFound(daemonSets.get(cluster, trustInstallerName(record.id), { namespace: EXT_NS })),
        reverseProxies.list(cluster, { labelSelector: sel }).catch(() => ({ items: [] })),
      ]);
      const pull = (list.items as Secret[]).filter((s) => s.metadata?.namespace !== EXT_NS);
      const nsSet = new Set(pull.map((s) => s.metadata?.namespace));
      const plan = wizardPlan.planRegistryRemoval({
        record: { id: record.id, name: record.name, namespace: record.namespace },
        secrets: pull,
        serviceAccounts: (sas.items as ServiceAccount[]).filter((sa) => nsSet.has(sa.metadata?.namespace)),
        installer: cm || ds ? { configMap: cm as ConfigMap | undefined, daemonSet: ds as DaemonSet | undefined } : undefined,
        reverseProxies: rps.items,
      });
      if (!cancelled) setPhases(plan.phases);
    })().catch((e) => !cancelled && setError(String(e)));
    return () => {
      cancelled = true;
    };
  }, [cluster, record]);
  return (
    <Card style={{ marginTop: 12 }} data-testid="hc-remove">
      <div style={{ fontWeight: 600, marginBottom: 8 }}>{tr(`${R}REMOVE_TITLE`, { name: record.displayName })}</div>
      {error ? <div style={{ color: '#ca2621' }}>{error}</div> : null}
      {!phases ? (
        error ? null : <Spinner />
      ) : phase < phases.length ? (
        <>
          <div style={{ marginBottom: 8 }}>{tr(`${R}REMOVE_PHASE`, { phase: phase + 1, total: phases.length })}</div>
          <PlannedWrite
            key={phase}
            cluster={cluster}
            writes={phases[phase]}
            onClose={() => (phase + 1 < phases.length ? setPhase(phase + 1) : (onRemoved(), undefined))}
            testId={`hc-remove-phase-${phase}`}
          />
          <Button variant="text" onClick={onClose}>
            {tr('HARBOR_CONNECT_HEALTH_CANCEL')}
          </Button>
        </>
      ) : null}
    </Card>
  );
}

/** /clusters/:cluster/image-registries/:registry: the registry's settings, health, and pull test. */
export function RegistryDetailPage() {
  const { cluster = '', registry = '' } = useParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const ctx = React.useMemo(() => clusterContext(cluster), [cluster]);
  const back = () => navigate(`/clusters/${encodeURIComponent(cluster)}/image-registries`);
  const [mode, setMode] = React.useState<'none' | 'rotate' | 'remove'>('none');
  // Same query (same key) the health panel uses: one request for both.
  const sec = useQuery({
    queryKey: healthKeys.secrets(cluster, registry),
    queryFn: ({ signal }) => fetchRegistrySecrets(ctx, registry, undefined, { signal }),
    staleTime: STALE_MS,
    cacheTime: 0,
  });
  const record = sec.data?.record;
  return (
    <div data-testid="hc-registry-detail">
      <PageBanner title={record?.displayName ?? registry} description={tr(`${R}DETAIL_DESC`)} />
      <div style={{ marginTop: 12 }}>
        <Button variant="text" onClick={back} data-testid="hc-back">
          ← {tr('HARBOR_CONNECT_BACK_TO_REGISTRIES')}
        </Button>
      </div>
      {sec.isLoading ? (
        <Spinner />
      ) : !record ? (
        <EmptyState
          testId="hc-registry-missing"
          title={tr(`${R}NOT_FOUND_TITLE`)}
          description={tr(`${R}NOT_FOUND_DESC`, { id: registry })}
          actionLabel={tr('HARBOR_CONNECT_BACK_TO_REGISTRIES')}
          onAction={back}
        />
      ) : (
        <>
          <Card style={{ marginTop: 12 }}>
            <div style={{ display: 'flex', gap: 32, flexWrap: 'wrap' }}>
              <div>
                <div style={dt}>{tr(`${R}COL_ADDRESS`)}</div>
                <div style={dd} data-testid="hc-detail-address">{record.address}</div>
              </div>
              <div>
                <div style={dt}>{tr(`${R}COL_KIND`)}</div>
                <div style={dd}>{tr(record.kind === 'harbor' ? `${R}KIND_HARBOR` : record.kind === 'oci' ? `${R}KIND_OCI` : `${R}KIND_UNKNOWN`)}</div>
              </div>
              <div>
                <div style={dt}>{tr(`${R}TRUST_MODE`)}</div>
                <div style={dd}>{tr(`HARBOR_CONNECT_TRUST_MODE_${record.trustMode.toUpperCase()}`)}</div>
              </div>
              <div>
                <div style={dt}>{tr(`${R}PROJECTS`)}</div>
                <div style={dd}>{[...new Set((sec.data?.pullSecrets ?? []).map((s) => s.metadata?.namespace))].join(', ') || '-'}</div>
              </div>
              {record.createdBy ? (
                <div>
                  <div style={dt}>{tr(`${R}CREATED_BY`)}</div>
                  <div style={dd}>{record.createdBy}</div>
                </div>
              ) : null}
              <div style={{ flex: 1 }} />
              <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
                <Button variant="outline" onClick={() => navigate(`/clusters/${encodeURIComponent(cluster)}/image-registries/${encodeURIComponent(registry)}/edit`)} data-testid="hc-edit">
                  {tr(`${R}EDIT`)}
                </Button>
                <Button variant="outline" onClick={() => setMode('rotate')} data-testid="hc-rotate-open">
                  {tr(`${R}ROTATE`)}
                </Button>
                <Button color="error" variant="outline" onClick={() => setMode('remove')} data-testid="hc-remove-open">
                  {tr(`${R}REMOVE`)}
                </Button>
              </div>
            </div>
          </Card>
          {mode === 'rotate' ? <RotateCredentials cluster={ctx} record={record} onClose={() => setMode('none')} /> : null}
          {mode === 'remove' ? (
            <RemoveRegistry
              cluster={ctx}
              record={record}
              onClose={() => setMode('none')}
              onRemoved={() => {
                void qc.invalidateQueries({ queryKey: queryKeys.cluster(cluster) });
                back();
              }}
            />
          ) : null}
          <HealthPanel cluster={ctx} registryId={registry} />
        </>
      )}
    </div>
  );
}
