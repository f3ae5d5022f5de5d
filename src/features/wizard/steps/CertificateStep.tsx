import React, { useState } from 'react';
import { Button } from '@kubed/components';
import { inspectCertificate } from '../../../domain/cert';
import { tr } from '../../../i18n/t';
import { CertificateInput } from '../../../components/cert/CertificateInput';
import { CertificateDetails } from '../../../components/cert/CertificateDetails';
import { GenerateCertificate } from '../../../components/cert/GenerateCertificate';
import { Choice, Section } from '../ui';
import type { StepProps } from './types';
import { parseAddress } from '../state';

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
        inspection: text.trim() ? inspectCertificate(text, { host }) : undefined,
        probe: undefined,
        pullTest: undefined,
      },
    });
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
          {state.inspection ? (
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
