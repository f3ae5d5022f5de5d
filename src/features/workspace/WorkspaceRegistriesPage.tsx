import React from 'react';
import { useQuery } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router-dom';
import { Card, Select } from '@kubed/components';
import { clusterContext } from '../../api/cluster';
import { HOST_CLUSTER_LABEL } from '../../api/models';
import { queryKeys } from '../../api/queryKeys';
import { listClusters, listWorkspaceProjects } from '../../api/resources/kubesphere';
import type { ApiError } from '../../api/errors';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageBanner } from '../../components/PageBanner';
import { Spinner } from '../../components/Spinner';
import { tr } from '../../i18n/t';
import { ProjectRegistries } from '../project/ProjectRegistries';

const base = (workspace: string) => `/workspaces/${encodeURIComponent(workspace)}/image-registries`;

/**
 * Workspace → Image Registries: the project admin's way in that needs no project menu mount (which KubeSphere 4.2
 * is said to remove: not verified). Pick a cluster and a project of this workspace; the project view is the same
 * as the project page. Address: /workspaces/:workspace/image-registries[/:cluster/:namespace].
 */
export function WorkspaceRegistriesPage() {
  const { workspace = '', cluster: routeCluster, namespace } = useParams();
  const navigate = useNavigate();

  const clusters = useQuery<Awaited<ReturnType<typeof listClusters>>, ApiError>({
    queryKey: queryKeys.clusters(),
    queryFn: ({ signal }) => listClusters({ signal }),
    staleTime: 60_000,
  });
  const clusterNames = (clusters.data?.items ?? []).map((c) => c.metadata?.name ?? '').filter(Boolean);
  const hostName = (clusters.data?.items ?? []).find((c) => c.metadata?.labels?.[HOST_CLUSTER_LABEL] !== undefined)
    ?.metadata?.name;
  const [picked, setPicked] = React.useState<string | undefined>(undefined);
  const cluster = routeCluster ?? picked ?? hostName ?? clusterNames[0];

  const projects = useQuery<Awaited<ReturnType<typeof listWorkspaceProjects>>, ApiError>({
    queryKey: queryKeys.workspaceProjects(cluster ?? '', workspace),
    queryFn: ({ signal }) => listWorkspaceProjects(clusterContext(cluster as string), workspace, { signal }),
    enabled: !!cluster,
  });
  const projectNames = (projects.data?.items ?? []).map((p) => p.metadata?.name ?? '').filter(Boolean);

  return (
    <div data-testid="hc-workspace-registries">
      <PageBanner title={tr('HARBOR_CONNECT_REGISTRIES_TITLE')} description={tr('HARBOR_CONNECT_WORKSPACE_DESC')} />
      <Card style={{ marginTop: 12 }}>
        <div style={{ display: 'flex', gap: 12, alignItems: 'center', flexWrap: 'wrap' }}>
          <div data-testid="hc-cluster-picker" style={{ minWidth: 200 }}>
            <Select
              value={cluster}
              placeholder={tr('HARBOR_CONNECT_PICK_CLUSTER')}
              loading={clusters.isLoading}
              options={clusterNames.map((n) => ({ value: n, label: n }))}
              onChange={(value: string) => {
                setPicked(value);
                navigate(base(workspace));
              }}
              style={{ width: '100%' }}
            />
          </div>
          <div data-testid="hc-project-picker" style={{ minWidth: 240 }}>
            <Select
              value={namespace}
              placeholder={tr('HARBOR_CONNECT_PICK_PROJECT')}
              loading={projects.isLoading && !!cluster}
              disabled={!cluster}
              options={projectNames.map((n) => ({ value: n, label: n }))}
              onChange={(value: string) => cluster && navigate(`${base(workspace)}/${encodeURIComponent(cluster)}/${encodeURIComponent(value)}`)}
              style={{ width: '100%' }}
            />
          </div>
        </div>
      </Card>
      {clusters.isError ? <ErrorAlert error={clusters.error} /> : null}
      {projects.isError ? <ErrorAlert error={projects.error} /> : null}
      {clusters.isLoading ? <Spinner /> : null}
      {cluster && namespace ? (
        <div data-testid="hc-project-registries">
          <ProjectRegistries cluster={cluster} namespace={namespace} />
        </div>
      ) : null}
    </div>
  );
}
