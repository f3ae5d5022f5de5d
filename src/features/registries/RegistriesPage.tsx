import React from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { clusterContext } from '../../api/cluster';
import { useCanI } from '../../api/hooks';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageBanner } from '../../components/PageBanner';
import { Spinner } from '../../components/Spinner';
import { tr } from '../../i18n/t';

/** Cluster → Configuration → Image Registries. Empty state until the registry list feature lands. */
export function RegistriesPage() {
  const { cluster = '' } = useParams();
  const navigate = useNavigate();
  const ctx = React.useMemo(() => clusterContext(cluster), [cluster]);
  // Adding a registry writes Secrets in projects: ask the API server before offering it.
  const access = useCanI(ctx, { verb: 'create', group: '', resource: 'secrets' });

  return (
    <div data-testid="hc-registries">
      <PageBanner title={tr('HARBOR_CONNECT_REGISTRIES_TITLE')} description={tr('HARBOR_CONNECT_REGISTRIES_DESC')} />
      {access.isLoading ? (
        <Spinner />
      ) : (
        <>
          {access.isError ? <ErrorAlert error={access.error} /> : null}
          <EmptyState
            testId="hc-registries-empty"
            title={tr('HARBOR_CONNECT_REGISTRIES_EMPTY_TITLE')}
            description={tr('HARBOR_CONNECT_REGISTRIES_EMPTY_DESC')}
            actionLabel={tr('HARBOR_CONNECT_ADD_REGISTRY')}
            actionDisabled={!access.data?.allowed}
            actionHint={tr('HARBOR_CONNECT_ADD_REGISTRY_DENIED')}
            onAction={() => navigate(`/clusters/${encodeURIComponent(cluster)}/image-registries/new`)}
          />
        </>
      )}
    </div>
  );
}
