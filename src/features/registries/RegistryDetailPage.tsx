import React from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { EmptyState } from '../../components/EmptyState';
import { PageBanner } from '../../components/PageBanner';
import { tr } from '../../i18n/t';

/**
 * /clusters/:cluster/image-registries/:registry. 'new' is the add-registry wizard's address.
 * Neither the wizard nor the detail view exists yet: say so, and offer the way back.
 */
export function RegistryDetailPage() {
  const { cluster = '', registry = '' } = useParams();
  const navigate = useNavigate();
  const back = () => navigate(`/clusters/${encodeURIComponent(cluster)}/image-registries`);
  const isNew = registry === 'new';
  return (
    <div data-testid={isNew ? 'hc-registry-new' : 'hc-registry-detail'}>
      <PageBanner
        title={isNew ? tr('HARBOR_CONNECT_ADD_REGISTRY') : registry}
        description={tr('HARBOR_CONNECT_REGISTRIES_DESC')}
      />
      <EmptyState
        title={tr('HARBOR_CONNECT_NOT_AVAILABLE_TITLE')}
        description={tr(isNew ? 'HARBOR_CONNECT_WIZARD_NOT_AVAILABLE' : 'HARBOR_CONNECT_DETAIL_NOT_AVAILABLE')}
        actionLabel={tr('HARBOR_CONNECT_BACK_TO_REGISTRIES')}
        onAction={back}
      />
    </div>
  );
}
