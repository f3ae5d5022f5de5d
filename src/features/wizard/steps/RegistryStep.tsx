import React from 'react';
import { Alert, Input } from '@kubed/components';
import { tr } from '../../../i18n/t';
import { Field, inputStyle } from '../ui';
import type { StepProps } from './types';
import { addressErrorText } from '../validate';

export function RegistryStep({ state, dispatch }: StepProps) {
  const err = addressErrorText(state);
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
