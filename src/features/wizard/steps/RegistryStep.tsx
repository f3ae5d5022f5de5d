import React from 'react';
import { Link, useParams } from 'react-router-dom';
import { Alert, Input } from '@kubed/components';
import { useQuery } from '@tanstack/react-query';
import { queryKeys, secrets, type ClusterContext } from '../../../api';
import { tr } from '../../../i18n/t';
import { Field, inputStyle } from '../ui';
import type { StepProps } from './types';
import { addressErrorText } from '../validate';
import { parseAddress } from '../../../domain/wizard/state';
import { registryIdOf } from '../../../domain/wizard/plan';
import { DEFAULT_EXTENSION_NAMESPACE, RECORD_LABEL_SELECTOR } from '../../../domain/record';
import { REGISTRY_LABEL } from '../../../domain/plan/labels';

/**
 * Adding (not editing) an address this cluster already has: said at once, with the way to edit it instead, not
 * only at the review as "nothing to write". One metadata list of the records (its own query key).
 */
function AlreadyConnected({ cluster, registryId }: { cluster: ClusterContext; registryId: string }) {
  const q = useQuery({
    queryKey: queryKeys.list(cluster.name, 'secrets', DEFAULT_EXTENSION_NAMESPACE, { labelSelector: RECORD_LABEL_SELECTOR, metadataOnly: true }),
    queryFn: ({ signal }) => secrets.listMetadata(cluster, { namespace: DEFAULT_EXTENSION_NAMESPACE, labelSelector: RECORD_LABEL_SELECTOR, signal }),
    staleTime: 30_000,
  });
  const exists = (q.data?.items ?? []).some((s) => s.metadata?.labels?.[REGISTRY_LABEL] === registryId);
  if (!exists) return null;
  return (
    <Alert type="warning" title={tr('HARBOR_CONNECT_WIZARD_ADDRESS_EXISTS_TITLE')} style={{ marginBottom: 16, maxWidth: 720 }} data-testid="hc-address-exists">
      {tr('HARBOR_CONNECT_WIZARD_ADDRESS_EXISTS')}{' '}
      <Link to={`/clusters/${encodeURIComponent(cluster.name)}/image-registries/${encodeURIComponent(registryId)}/edit`} data-testid="hc-address-exists-edit">
        {tr('HARBOR_CONNECT_WIZARD_ADDRESS_EXISTS_EDIT')}
      </Link>
    </Alert>
  );
}

export function RegistryStep({ state, dispatch, cluster }: StepProps) {
  const err = addressErrorText(state);
  const editing = !!useParams().registry;
  const addr = parseAddress(state);
  return (
    <div data-testid="hc-step-registry">
      <Field label={tr('HARBOR_CONNECT_WIZARD_ADDRESS')} help={tr('HARBOR_CONNECT_WIZARD_ADDRESS_HELP')} error={state.address ? err : undefined} testId="hc-address-field">
        <Input
          value={state.address}
          placeholder="harbor.example.com:8443"
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => dispatch({ type: 'address', value: e.target.value })}
          style={inputStyle}
          data-testid="hc-address"
          autoFocus
        />
      </Field>
      {!editing && addr.ok ? <AlreadyConnected cluster={cluster} registryId={registryIdOf(addr.value)} /> : null}
      <label style={{ display: 'flex', gap: 8, alignItems: 'center', marginBottom: 12, cursor: 'pointer' }}>
        <input type="checkbox" checked={state.insecure} onChange={(e) => dispatch({ type: 'insecure', value: e.target.checked })} data-testid="hc-insecure" />
        {tr('HARBOR_CONNECT_WIZARD_INSECURE')}
      </label>
      {state.insecure ? (
        <Alert type="warning" title={tr('HARBOR_CONNECT_WIZARD_INSECURE_WARNING_TITLE')} style={{ marginBottom: 16, maxWidth: 720 }}>
          {tr('HARBOR_CONNECT_WIZARD_INSECURE_WARNING')}
        </Alert>
      ) : null}
      <Field label={tr('HARBOR_CONNECT_WIZARD_DISPLAY_NAME')} help={tr('HARBOR_CONNECT_WIZARD_DISPLAY_NAME_HELP')} testId="hc-display-name-field">
        <Input
          value={state.displayName}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => dispatch({ type: 'displayName', value: e.target.value })}
          style={inputStyle}
          data-testid="hc-display-name"
        />
      </Field>
    </div>
  );
}
