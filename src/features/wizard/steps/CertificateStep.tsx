import React, { useEffect, useState } from 'react';
import { Button } from '@kubed/components';
import { inspectCertificate } from '../../../domain/cert';
import { tr } from '../../../i18n/t';
import { CertificateInput } from '../../../components/cert/CertificateInput';
import { CertificateDetails } from '../../../components/cert/CertificateDetails';
import { GenerateCertificate } from '../../../components/cert/GenerateCertificate';
import { Choice, Section } from '../ui';
import type { StepProps } from './types';
import { parseAddress } from '../../../domain/wizard/state';

export const INSPECT_DEBOUNCE_MS = 300;

export function CertificateStep({ state, dispatch }: StepProps) {
  const [showGen, setShowGen] = useState(false);
  const addr = parseAddress(state);
  const host = addr.ok ? addr.value.authority : state.address;
  const setCa = (text: string, fileName?: string) =>
    dispatch({
      type: 'set',
      patch: {
        caText: text,
        caFileName: fileName,
        probe: undefined,
        pullTest: undefined,
      },
    });
  // Inspection (signature checks included) runs once typing pauses, not on every keystroke.
  useEffect(() => {
    const text = state.caText;
    const t = setTimeout(() => {
      dispatch({ type: 'set', patch: { inspection: text.trim() ? inspectCertificate(text, { host }) : undefined, inspectedText: text } });
    }, INSPECT_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [state.caText, host, dispatch]);
  return (
    <div data-testid="hc-step-certificate">
      <Choice
        checked={state.caChoice === 'custom'}
        onChange={() => dispatch({ type: 'set', patch: { caChoice: 'custom', probe: undefined } })}
        title={tr('HARBOR_CONNECT_WIZARD_CA_CUSTOM')}
        description={tr('HARBOR_CONNECT_WIZARD_CA_CUSTOM_DESC')}
        testId="hc-ca-custom"
      />
      <Choice
        checked={state.caChoice === 'public'}
        onChange={() => dispatch({ type: 'set', patch: { caChoice: 'public', probe: undefined } })}
        title={tr('HARBOR_CONNECT_WIZARD_CA_PUBLIC')}
        description={tr('HARBOR_CONNECT_WIZARD_CA_PUBLIC_DESC')}
        testId="hc-ca-public"
      />
      {state.caChoice === 'custom' ? (
        <>
          <Section title={tr('HARBOR_CONNECT_WIZARD_CA_TITLE')} description={tr('HARBOR_CONNECT_WIZARD_CA_DESC', { host })}>
            <CertificateInput value={state.caText} fileName={state.caFileName} onChange={setCa} />
          </Section>
          {state.inspection && state.inspectedText === state.caText ? (
            <Section title={tr('HARBOR_CONNECT_WIZARD_CA_INSPECTION')}>
              <CertificateDetails result={state.inspection} />
            </Section>
          ) : null}
          <Button variant="text" onClick={() => setShowGen(!showGen)} data-testid="hc-cert-generate-toggle">
            {tr('HARBOR_CONNECT_WIZARD_GENERATE_TOGGLE')}
          </Button>
          {showGen ? <GenerateCertificate host={host} onUseCa={(pem) => setCa(pem, 'ca.crt')} /> : null}
        </>
      ) : null}
    </div>
  );
}
