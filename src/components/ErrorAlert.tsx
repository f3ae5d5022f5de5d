import React from 'react';
import { Alert } from '@kubed/components';
import { accessDeniedText, errorMessage } from '../api/errors';
import { tr } from '../i18n/t';

/**
 * One error, translated with its detail (which field, which permission). A read the user's role does not allow is
 * not a failure: it is shown once as a notice naming the role to ask for.
 */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  const denied = accessDeniedText(error, tr);
  if (denied) {
    return (
      <Alert type="warning" title={denied.title} data-testid="hc-no-access">
        {denied.body}
      </Alert>
    );
  }
  return (
    <Alert type="error" title={title ?? tr('HARBOR_CONNECT_ERROR_TITLE')} data-testid="hc-error">
      {errorMessage(error, tr)}
    </Alert>
  );
}
