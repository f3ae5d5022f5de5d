import React from 'react';
import { Loading } from '@kubed/components';
import { tr } from '../i18n/t';

export function Spinner() {
  return (
    <div style={{ padding: 40, textAlign: 'center' }} role="status" aria-label={tr('HARBOR_CONNECT_LOADING')}>
      <Loading size={32} />
    </div>
  );
}
