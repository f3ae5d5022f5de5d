import React from 'react';
import { Alert } from '@kubed/components';
import { errorMessage } from '../api/errors';
import { tr } from '../i18n/t';

/** One error, translated with its detail (which field, which permission). */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  return (
    <Alert type="error" title={title ?? tr('HARBOR_CONNECT_ERROR_TITLE')} data-testid="hc-error">
      {errorMessage(error, tr)}
    </Alert>
  );
}
