// The registries a cluster administrator connected to this project, read-only. A project admin may not read the
// registry records (the extension namespace): what is shown comes from the project's own pull secrets, which carry
// the extension's labels and the creator (domain/binding/project clusterRegistries).
import React from 'react';
import { Card, Tag } from '@kubed/components';
import type { Secret, ServiceAccount } from 'kubernetes-types/core/v1';
import { CompactTable } from '../../components/CompactTable';
import { compactTd as td, MONOSPACE, mutedSmall as muted } from '../../components/theme';
import { clusterRegistries, type ProjectWorkload, type SecretUsers } from '../../domain/binding/project';
import { tr } from '../../i18n/t';


/** "ServiceAccount builder; StatefulSet cache (through builder)", or that nothing uses it. */
export function usersText(u: SecretUsers): string {
  const parts = [
    ...u.serviceAccounts.map((name) => `ServiceAccount ${name}`),
    ...u.workloads.map((w) => (w.via ? tr('HARBOR_CONNECT_CLUSTER_REG_VIA', { workload: `${w.kind} ${w.name}`, serviceAccount: w.via }) : `${w.kind} ${w.name}`)),
  ];
  return parts.length ? parts.join('; ') : tr('HARBOR_CONNECT_CLUSTER_REG_UNUSED');
}

export function ClusterRegistries(props: { namespace: string; secrets: readonly Secret[]; serviceAccounts: readonly ServiceAccount[]; workloads: readonly ProjectWorkload[] }) {
  const rows = clusterRegistries(props.secrets, props.serviceAccounts, props.workloads);
  return (
    <Card style={{ marginTop: 12 }} data-testid="hc-cluster-registries">
      <div style={{ fontSize: 14, fontWeight: 600, marginBottom: 4 }}>{tr('HARBOR_CONNECT_CLUSTER_REG_TITLE')}</div>
      <div style={{ ...muted, marginBottom: 8 }} data-testid="hc-cluster-registries-note">
        {tr('HARBOR_CONNECT_CLUSTER_REG_NOTE')}
      </div>
      {rows.length === 0 ? (
        <div style={{ ...muted, padding: 12 }} data-testid="hc-cluster-registries-none">
          {tr('HARBOR_CONNECT_CLUSTER_REG_NONE', { namespace: props.namespace })}
        </div>
      ) : (
        <CompactTable
          columns={[
            tr('HARBOR_CONNECT_CLUSTER_REG_COL_ADDRESS'),
            tr('HARBOR_CONNECT_PROJECT_PULL_SECRET'),
            tr('HARBOR_CONNECT_CLUSTER_REG_COL_BY'),
            tr('HARBOR_CONNECT_PROJECT_COL_USED_BY'),
          ]}
        >
          {rows.map((r) => (
            <tr key={r.secret} data-testid="hc-cluster-registry-row" data-registry={r.registryId} data-secret={r.secret}>
              <td style={td}>
                {r.addresses.map((a) => (
                  <div key={a} style={{ fontFamily: MONOSPACE, fontSize: 12 }}>
                    {a}
                  </div>
                ))}
                <Tag color="default">{tr('HARBOR_CONNECT_CLUSTER_REG_READ_ONLY')}</Tag>
              </td>
              <td style={td}>{r.secret}</td>
              <td style={td} data-testid="hc-cluster-registry-by">
                {r.creator ?? <span style={muted}>{tr('HARBOR_CONNECT_CLUSTER_REG_BY_UNKNOWN')}</span>}
              </td>
              <td style={td} data-testid="hc-cluster-registry-users">
                {usersText(r.users)}
              </td>
            </tr>
          ))}
        </CompactTable>
      )}
    </Card>
  );
}
