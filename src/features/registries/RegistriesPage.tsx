import React from 'react';
import { Button, Card, Dropdown, Input, Menu, MenuItem } from '@kubed/components';
import { Magnifier, More, Pen, MedicineChestDuotone, Trash } from '@kubed/icons';
import { useQuery } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router-dom';
import { clusterContext } from '../../api/cluster';
import { useAccess } from '../../api/hooks';
import { queryKeys } from '../../api/queryKeys';
import { DEFAULT_EXTENSION_NAMESPACE } from '../../domain/record';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageBanner } from '../../components/PageBanner';
import { Spinner } from '../../components/Spinner';
import { localDate, localDateTime, withLocalDates } from '../../components/When';
import { tr } from '../../i18n/t';
import { StateBadge } from '../health/HealthPanel';
import { readLastPullTest } from '../pulltest/storage';
import { loadRegistryList } from './data';
import type { DetailState } from './RegistryDetailPage';
import { filterRegistryRows, registryRows, type RegistryRow } from '../../domain/health';
import { colors } from '../../components/theme';

const R = 'HARBOR_CONNECT_REGISTRIES_';
const th: React.CSSProperties = { textAlign: 'left', padding: '10px 12px', color: colors.muted, fontWeight: 600, fontSize: 12 };
const td: React.CSSProperties = { padding: '12px', borderTop: `1px solid ${colors.rowBorder}`, verticalAlign: 'middle' };

function CertCell({ row }: { row: RegistryRow }) {
  if (!row.record.caPem) return <span style={{ color: colors.muted }}>{tr(`${R}CA_PUBLIC`)}</span>;
  if (row.cert.daysLeft === undefined) return <StateBadge state="error" />;
  const color = row.cert.daysLeft < 0 ? colors.error : row.cert.daysLeft <= 30 ? colors.warning : colors.textSecondary;
  return (
    <span style={{ color }} title={localDateTime(row.cert.notAfter)}>
      {row.cert.daysLeft < 0 ? tr(`${R}CA_EXPIRED`, { days: -row.cert.daysLeft }) : tr(`${R}CA_DAYS`, { days: row.cert.daysLeft, date: localDate(row.cert.notAfter) })}
    </span>
  );
}

/** Where a row's menu leads: the existing pages; Remove opens the detail page's removal flow (plan, review, confirm). */
export type RowAction = 'edit' | 'health' | 'remove';

/** The row's ⋯ menu, as on KubeSphere's own lists: Edit, Health, Remove. */
function RowMenu({ row, onAction }: { row: RegistryRow; onAction: (id: string, action: RowAction) => void }) {
  const id = row.record.id;
  return (
    // The row opens the detail page on click: clicks on the menu (its button and its items) stay here.
    <td style={{ ...td, width: 48, textAlign: 'right' }} onClick={(e) => e.stopPropagation()}>
      {/* Under <body>: the table's card must not clip the menu of the last rows. React still bubbles its clicks here. */}
      <Dropdown
        appendTo={() => document.body}
        placement="bottom-end"
        content={
          <Menu>
            <MenuItem icon={<Pen />} onClick={() => onAction(id, 'edit')} data-testid="hc-registry-menu-edit">
              {tr(`${R}EDIT`)}
            </MenuItem>
            <MenuItem icon={<MedicineChestDuotone />} onClick={() => onAction(id, 'health')} data-testid="hc-registry-menu-health">
              {tr(`${R}MENU_HEALTH`)}
            </MenuItem>
            <MenuItem icon={<Trash />} onClick={() => onAction(id, 'remove')} data-testid="hc-registry-menu-remove">
              {tr(`${R}MENU_REMOVE`)}
            </MenuItem>
          </Menu>
        }
      >
        <Button variant="text" radius="sm" aria-label={tr(`${R}MENU`)} title={tr(`${R}MENU`)} data-testid="hc-registry-menu" data-registry={id}>
          <More />
        </Button>
      </Dropdown>
    </td>
  );
}

/** Cluster → Configuration → Image Registries: every registry this extension manages. */
export function RegistriesPage() {
  const { cluster = '' } = useParams();
  const navigate = useNavigate();
  const ctx = React.useMemo(() => clusterContext(cluster), [cluster]);
  // Adding a registry writes its record Secret in the extension namespace (and Secrets in projects): ask
  // KubeSphere, by a dry run of that create, before offering it.
  const access = useAccess(ctx, { verb: 'create', group: '', resource: 'secrets', namespace: DEFAULT_EXTENSION_NAMESPACE });
  const list = useQuery({
    queryKey: queryKeys.composite.registryList(cluster),
    queryFn: ({ signal }) => loadRegistryList(ctx, { signal }),
    staleTime: 30_000,
    cacheTime: 0,
  });
  const add = () => navigate(`/clusters/${encodeURIComponent(cluster)}/image-registries/new`);
  const detail = (id: string) => `/clusters/${encodeURIComponent(cluster)}/image-registries/${encodeURIComponent(id)}`;
  const open = (id: string) => navigate(detail(id));
  // Edit is the wizard's edit route; Health and Remove are the detail page, scrolled to its health panel or with its
  // removal flow open (nothing is deleted before that flow's review and confirmation).
  const onAction = (id: string, action: RowAction) =>
    action === 'edit' ? navigate(`${detail(id)}/edit`) : navigate(detail(id), { state: { open: action } satisfies DetailState });
  const [query, setQuery] = React.useState('');
  const { rows, broken } = React.useMemo(
    () => (list.data ? registryRows(list.data, new Date(), (id) => readLastPullTest(cluster, id)) : { rows: [], broken: [] }),
    [list.data, cluster],
  );
  const shown = React.useMemo(() => filterRegistryRows(rows, query), [rows, query]);
  const canAdd = !!access.data?.allowed;
  // Several clusters: which others are connected to the same registry (each keeps its own records and trust).
  const multiCluster = Object.keys(list.data?.elsewhere ?? {}).length > 0;

  return (
    <div data-testid="hc-registries">
      <PageBanner title={tr('HARBOR_CONNECT_REGISTRIES_TITLE')} description={tr('HARBOR_CONNECT_REGISTRIES_DESC')} />
      {list.isLoading || access.isLoading ? (
        <Spinner />
      ) : list.isError ? (
        <ErrorAlert error={list.error} />
      ) : rows.length === 0 ? (
        <>
          {access.isError ? <ErrorAlert error={access.error} /> : null}
          <EmptyState
            testId="hc-registries-empty"
            title={tr('HARBOR_CONNECT_REGISTRIES_EMPTY_TITLE')}
            description={tr('HARBOR_CONNECT_REGISTRIES_EMPTY_DESC')}
            actionLabel={tr('HARBOR_CONNECT_ADD_REGISTRY')}
            actionDisabled={!canAdd}
            actionHint={tr('HARBOR_CONNECT_ADD_REGISTRY_DENIED')}
            onAction={add}
          />
        </>
      ) : (
        <Card style={{ marginTop: 12 }} data-testid="hc-registries-list">
          <div style={{ display: 'flex', alignItems: 'center', gap: 12, marginBottom: 8 }}>
            <Input
              value={query}
              onChange={(e: React.ChangeEvent<HTMLInputElement>) => setQuery(e.target.value)}
              prefix={<Magnifier />}
              placeholder={tr(`${R}SEARCH_PLACEHOLDER`)}
              width={320}
              data-testid="hc-registries-search"
            />
            <div style={{ flex: 1, color: colors.muted }} data-testid="hc-registries-count">
              {query.trim() ? tr(`${R}COUNT_FILTERED`, { shown: shown.length, count: rows.length }) : tr(`${R}COUNT`, { count: rows.length })}
            </div>
            <Button variant="outline" size="sm" onClick={() => void list.refetch()} loading={list.isFetching} data-testid="hc-registries-refresh">
              {tr('HARBOR_CONNECT_HEALTH_REFRESH')}
            </Button>
            <Button color="secondary" shadow onClick={add} disabled={!canAdd} data-testid="hc-add-registry">
              {tr('HARBOR_CONNECT_ADD_REGISTRY')}
            </Button>
          </div>
          <table style={{ width: '100%', borderCollapse: 'collapse', fontSize: 12 }}>
            <thead>
              <tr>
                <th style={th}>{tr(`${R}COL_ADDRESS`)}</th>
                <th style={th}>{tr(`${R}COL_KIND`)}</th>
                <th style={th}>{tr(`${R}COL_CA_EXPIRY`)}</th>
                <th style={th}>{tr(`${R}COL_TRUST`)}</th>
                <th style={th}>{tr(`${R}COL_PROJECTS`)}</th>
                <th style={th}>{tr(`${R}COL_HEALTH`)}</th>
                {multiCluster ? <th style={th}>{tr(`${R}COL_OTHER_CLUSTERS`)}</th> : null}
                <th style={th} />
              </tr>
            </thead>
            <tbody>
              {shown.length === 0 ? (
                <tr data-testid="hc-registries-no-match">
                  <td style={{ ...td, textAlign: 'center', color: colors.muted }} colSpan={multiCluster ? 8 : 7}>
                    {tr(`${R}SEARCH_NONE`, { query: query.trim() })}
                  </td>
                </tr>
              ) : null}
              {shown.map((row) => (
                <tr
                  key={row.record.id}
                  data-testid="hc-registry-row"
                  data-registry={row.record.id}
                  data-health={row.health}
                  onClick={() => open(row.record.id)}
                  style={{ cursor: 'pointer' }}
                >
                  <td style={td}>
                    <div style={{ fontWeight: 600, color: colors.text }}>{row.record.displayName}</div>
                    <div style={{ color: colors.muted }}>{row.record.address}</div>
                  </td>
                  <td style={td}>{tr(row.record.kind === 'harbor' ? `${R}KIND_HARBOR` : row.record.kind === 'oci' ? `${R}KIND_OCI` : `${R}KIND_UNKNOWN`)}</td>
                  <td style={td}>
                    <CertCell row={row} />
                  </td>
                  <td style={td} data-testid="hc-registry-trust">
                    <span style={{ color: row.trust.state === 'ok' ? colors.success : row.trust.state === 'unknown' ? colors.muted : colors.error }}>{row.trust.text}</span>
                    {row.record.trustMode !== 'automatic' ? <span style={{ color: colors.muted }}> ({tr(`HARBOR_CONNECT_TRUST_MODE_${row.record.trustMode.toUpperCase()}`)})</span> : null}
                  </td>
                  <td style={td} title={row.projects.join(', ')} data-testid="hc-registry-projects">
                    {row.projects.length === 0 ? (
                      <span style={{ color: colors.warning }}>{tr(`${R}NO_PROJECTS`)}</span>
                    ) : (
                      <>
                        {tr(`${R}PROJECT_COUNT`, { count: row.projects.length })}
                        <span style={{ color: colors.muted }}> {row.projects.slice(0, 3).join(', ')}{row.projects.length > 3 ? '…' : ''}</span>
                      </>
                    )}
                  </td>
                  <td style={td}>
                    <StateBadge state={row.health} />
                    {row.reason ? (
                      <div style={{ color: colors.muted, marginTop: 4 }} data-testid="hc-registry-health-reason">
                        {tr(row.reason.key, withLocalDates(row.reason.params))}
                      </div>
                    ) : null}
                  </td>
                  {multiCluster ? (
                    <td style={td} data-testid="hc-registry-clusters">
                      {row.otherClusters.length ? (
                        row.otherClusters.map((c) => (
                          <div key={c.name} data-testid="hc-registry-cluster" data-cluster={c.name}>
                            <span style={{ fontWeight: 600 }}>{c.name}</span>
                            <span style={{ color: colors.muted }}>
                              {' '}
                              {tr(`${R}OTHER_CLUSTER_PROJECTS`, { count: c.projects })}
                              {c.trust ? ` · ${tr(`${R}OTHER_CLUSTER_TRUST`, { ready: c.trust.ready, nodes: c.trust.nodes })}` : ''}
                            </span>
                          </div>
                        ))
                      ) : (
                        <span style={{ color: colors.muted }}>{tr(`${R}OTHER_CLUSTERS_NONE`)}</span>
                      )}
                    </td>
                  ) : null}
                  <RowMenu row={row} onAction={onAction} />
                </tr>
              ))}
            </tbody>
          </table>
          {broken.length ? <div style={{ color: colors.warning, marginTop: 8 }}>{tr(`${R}BROKEN_RECORDS`, { names: broken.join('; ') })}</div> : null}
          {list.data?.unreadable.length ? <div style={{ color: colors.muted, marginTop: 8 }}>{tr(`${R}UNREADABLE`, { what: list.data.unreadable.join(', ') })}</div> : null}
        </Card>
      )}
    </div>
  );
}
