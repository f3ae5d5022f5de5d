import React from 'react';
import { useParams } from 'react-router-dom';
import { PageBanner } from '../../components/PageBanner';
import { tr } from '../../i18n/t';
import { ProjectRegistries } from './ProjectRegistries';

/** KubeSphere 4.1: project → Configuration → Image Registries. */
export function ProjectRegistriesPage() {
  const { cluster = '', namespace = '' } = useParams();
  return (
    <div data-testid="hc-project-registries">
      <PageBanner title={tr('HARBOR_CONNECT_REGISTRIES_TITLE')} description={tr('HARBOR_CONNECT_PROJECT_DESC')} />
      <ProjectRegistries cluster={cluster} namespace={namespace} />
    </div>
  );
}
