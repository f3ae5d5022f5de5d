import React from 'react';
import { clusterContext } from '../../api/cluster';
import { useCanI } from '../../api/hooks';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Spinner } from '../../components/Spinner';
import { tr } from '../../i18n/t';

/** The project's registry view, shared by the 4.1 project page and the workspace page (4.2+). */
export function ProjectRegistries({ cluster, namespace }: { cluster: string; namespace: string }) {
  const ctx = React.useMemo(() => clusterContext(cluster), [cluster]);
  const access = useCanI(ctx, { verb: 'create', group: '', resource: 'secrets', namespace });
  if (access.isLoading) return <Spinner />;
  return (
    <div data-testid="hc-project-registries-content">
      {access.isError ? <ErrorAlert error={access.error} /> : null}
      <EmptyState
        testId="hc-project-registries-empty"
        title={tr('HARBOR_CONNECT_PROJECT_EMPTY_TITLE')}
        description={tr('HARBOR_CONNECT_PROJECT_EMPTY_DESC', { project: namespace })}
        actionLabel={tr('HARBOR_CONNECT_ADD_PROJECT_CREDENTIAL')}
        // The project-credential wizard is not built yet; the button says what it will do and stays off.
        actionDisabled
        actionHint={tr(access.data?.allowed ? 'HARBOR_CONNECT_COMING_SOON' : 'HARBOR_CONNECT_ADD_REGISTRY_DENIED')}
      />
    </div>
  );
}
