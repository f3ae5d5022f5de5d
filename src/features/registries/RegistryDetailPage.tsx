import React from 'react';
import { Button, Card } from '@kubed/components';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import { invalidateAfterApply } from '../../api';
import { clusterContext } from '../../api/cluster';
import { EmptyState } from '../../components/EmptyState';
import { PageBanner } from '../../components/PageBanner';
import { Spinner } from '../../components/Spinner';
import { tr } from '../../i18n/t';
import { HealthPanel } from '../health/HealthPanel';
import { fetchRegistrySecrets, healthKeys, STALE_MS } from '../health/sources';
import { RemoveRegistry, UpdateCredentials } from '../wizard/RegistryMaintenance';
import { colors } from '../../components/theme';

const R = 'HARBOR_CONNECT_REGISTRIES_';
const dt: React.CSSProperties = { color: colors.muted, fontSize: 12 };
const dd: React.CSSProperties = { fontWeight: 600, marginBottom: 8, wordBreak: 'break-all' };

/** Navigation state from the list's row menu: open the removal flow, or scroll to the health panel. */
export interface DetailState {
  open?: 'remove' | 'health';
}

/** /clusters/:cluster/image-registries/:registry: the registry's settings, health, and pull test. */
export function RegistryDetailPage() {
  const { cluster = '', registry = '' } = useParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const ctx = React.useMemo(() => clusterContext(cluster), [cluster]);
  const back = () => navigate(`/clusters/${encodeURIComponent(cluster)}/image-registries`);
  const wanted = (useLocation().state as DetailState | null)?.open;
  // The list's Remove opens the same removal flow as this page's button: its plan, review and confirmation.
  const [mode, setMode] = React.useState<'none' | 'rotate' | 'remove'>(wanted === 'remove' ? 'remove' : 'none');
  const healthRef = React.useRef<HTMLDivElement>(null);
  // Same query (same key) the health panel uses: one request for both.
  const sec = useQuery({
    queryKey: healthKeys.secrets(cluster, registry),
    queryFn: ({ signal }) => fetchRegistrySecrets(ctx, registry, undefined, { signal }),
    staleTime: STALE_MS,
    cacheTime: 0,
  });
  const record = sec.data?.record;
  const found = !!record;
  React.useEffect(() => {
    if (found && wanted === 'health') healthRef.current?.scrollIntoView({ block: 'start' });
  }, [found, wanted]);
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
          {mode === 'rotate' ? (
            <Card style={{ marginTop: 12 }} data-testid="hc-rotate">
              <div style={{ fontWeight: 600, marginBottom: 8 }}>{tr(`${R}ROTATE_TITLE`)}</div>
              <UpdateCredentials cluster={ctx} registryId={record.id} onClose={() => setMode('none')} />
            </Card>
          ) : null}
          {mode === 'remove' ? (
            <Card style={{ marginTop: 12 }} data-testid="hc-remove">
              <div style={{ fontWeight: 600, marginBottom: 8 }}>{tr(`${R}REMOVE_TITLE`, { name: record.displayName })}</div>
              <RemoveRegistry
                cluster={ctx}
                registryId={record.id}
                onClose={() => setMode('none')}
                onRemoved={() => {
                  void invalidateAfterApply(qc, cluster, [], { wholeCluster: true });
                  back();
                }}
              />
            </Card>
          ) : null}
          <div ref={healthRef} data-testid="hc-detail-health">
            <HealthPanel cluster={ctx} registryId={registry} />
          </div>
        </>
      )}
    </div>
  );
}
