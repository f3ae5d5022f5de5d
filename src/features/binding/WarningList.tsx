import React from 'react';
import { Alert } from '@kubed/components';
import { tr } from '../../i18n/t';
import type { BindingWarning } from '../../domain/binding/model';

export function warningText(w: BindingWarning): string {
  switch (w.code) {
    case 'missing':
      return tr('HARBOR_CONNECT_PROJECT_WARN_MISSING', { secret: w.secret });
    case 'not-pull-secret':
      // The project page reads other Secrets' names only, not their type.
      return w.type ? tr('HARBOR_CONNECT_PROJECT_WARN_NOT_PULL_SECRET', { secret: w.secret, type: w.type }) : tr('HARBOR_CONNECT_PROJECT_WARN_NOT_A_PULL_SECRET', { secret: w.secret });
    case 'host-mismatch':
      return tr('HARBOR_CONNECT_PROJECT_WARN_HOST_MISMATCH', { secret: w.secret, hosts: w.hosts, images: w.images });
  }
}

export function WarningList({ warnings }: { warnings: Array<BindingWarning & { target?: string }> }) {
  return (
    <Alert type="warning" title={tr('HARBOR_CONNECT_PROJECT_WARNINGS_TITLE')} style={{ marginBottom: 8 }} data-testid="hc-bind-warnings">
      <ul style={{ margin: 0, paddingLeft: 18 }}>
        {warnings.map((w, i) => (
          <li key={i} data-warning={w.code}>
            {w.target ? <b>{w.target}: </b> : null}
            {warningText(w)}
          </li>
        ))}
      </ul>
    </Alert>
  );
}
