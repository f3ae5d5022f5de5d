import React, { useState } from 'react';
import { Alert, Button, Input, Select } from '@kubed/components';
import {
  CertificateGenerationError,
  generateRegistryCertificates,
  generationErrorMessageKey,
  type GeneratedKeyAlgorithm,
} from '../../domain/cert';
import { tr } from '../../i18n/t';
import { downloadText } from '../plan/download';
import { colors } from '../theme';

export interface GenerateCertificateProps {
  host: string;
  /** Receives the CA certificate (public) to use as the registry's CA; keys are never passed on or stored. */
  onUseCa: (caPem: string) => void;
}

const KEY_ALGORITHMS: Array<{ label: string; value: GeneratedKeyAlgorithm }> = [
  { label: 'RSA 2048', value: 'RSA-2048' },
  { label: 'RSA 3072', value: 'RSA-3072' },
  { label: 'ECDSA P-256', value: 'ECDSA-P256' },
];

interface Generated {
  caCertPem: string;
  serverCertPem: string;
  harborYmlSnippet: string;
}

/**
 * Generates a CA + server certificate for the registry in the browser. The private keys live only in this
 * closure until downloaded: they are not put in state, the plan or any storage.
 */
export function GenerateCertificate({ host, onUseCa }: GenerateCertificateProps) {
  const [extra, setExtra] = useState('');
  const [algo, setAlgo] = useState<GeneratedKeyAlgorithm>('RSA-2048');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<Generated>();

  const generate = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await generateRegistryCertificates({
        host,
        extraNames: extra.split(/[\s,]+/).filter(Boolean),
        keyAlgorithm: algo,
        includeCaKey: true,
      });
      // Keys go straight to downloads; only public material is kept for display.
      downloadText('ca.crt', r.caCertPem, 'application/x-pem-file');
      downloadText('harbor.crt', r.serverCertPem, 'application/x-pem-file');
      downloadText('harbor.key', r.serverKeyPem, 'application/x-pem-file');
      if (r.caKeyPem) downloadText('ca.key', r.caKeyPem, 'application/x-pem-file');
      downloadText('harbor.yml.snippet', r.harborYmlSnippet, 'text/yaml');
      setDone({ caCertPem: r.caCertPem, serverCertPem: r.serverCertPem, harborYmlSnippet: r.harborYmlSnippet });
    } catch (e) {
      setError(e instanceof CertificateGenerationError ? tr(generationErrorMessageKey(e.code), e.params) : e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="hc-cert-generate" style={{ border: `1px solid ${colors.border}`, borderRadius: 4, padding: 12 }}>
      <div style={{ fontWeight: 600, marginBottom: 4 }}>{tr('HARBOR_CONNECT_CERT_GENERATE_TITLE')}</div>
      <div style={{ fontSize: 12, color: colors.muted, marginBottom: 8 }}>{tr('HARBOR_CONNECT_CERT_GENERATE_DESC')}</div>
      <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap', alignItems: 'flex-end' }}>
        <label style={{ flex: 1, minWidth: 240 }}>
          <div style={{ fontSize: 12, marginBottom: 4 }}>{tr('HARBOR_CONNECT_CERT_GENERATE_EXTRA_NAMES')}</div>
          <Input value={extra} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setExtra(e.target.value)} placeholder="10.0.0.5, harbor.internal" />
        </label>
        <div>
          <div style={{ fontSize: 12, marginBottom: 4 }}>{tr('HARBOR_CONNECT_CERT_GENERATE_KEY_ALGORITHM')}</div>
          <Select
            value={algo}
            onChange={(v: GeneratedKeyAlgorithm) => setAlgo(v)}
            options={KEY_ALGORITHMS}
            style={{ width: 160 }}
            data-testid="hc-cert-generate-algo"
            data-value={algo}
          />
        </div>
        <Button onClick={() => void generate()} loading={busy} disabled={busy || !host} data-testid="hc-cert-generate-run">
          {tr('HARBOR_CONNECT_WIZARD_GENERATE_RUN')}
        </Button>
      </div>
      {error ? (
        <Alert type="error" style={{ marginTop: 8 }}>
          {error}
        </Alert>
      ) : null}
      {done ? (
        <div style={{ marginTop: 12 }}>
          <Alert type="info" title={tr('HARBOR_CONNECT_WIZARD_GENERATE_DONE')}>
            <div>{tr('HARBOR_CONNECT_CERT_GENERATE_HARBOR_YML')}</div>
            <pre style={{ fontSize: 12, margin: '8px 0', whiteSpace: 'pre-wrap' }}>{done.harborYmlSnippet}</pre>
            <div style={{ fontWeight: 600 }}>{tr('HARBOR_CONNECT_CERT_GENERATE_KEEP_CA_KEY')}</div>
          </Alert>
          <div style={{ display: 'flex', gap: 8, marginTop: 8 }}>
            <Button size="sm" variant="outline" onClick={() => downloadText('ca.crt', done.caCertPem)}>
              ca.crt
            </Button>
            <Button size="sm" variant="outline" onClick={() => downloadText('harbor.crt', done.serverCertPem)}>
              harbor.crt
            </Button>
            <Button size="sm" variant="outline" onClick={() => downloadText('harbor.yml.snippet', done.harborYmlSnippet)}>
              harbor.yml
            </Button>
            <Button size="sm" color="secondary" onClick={() => onUseCa(done.caCertPem)} data-testid="hc-cert-generate-use">
              {tr('HARBOR_CONNECT_WIZARD_GENERATE_USE')}
            </Button>
          </div>
          <div style={{ fontSize: 12, color: colors.muted, marginTop: 4 }}>{tr('HARBOR_CONNECT_WIZARD_GENERATE_KEY_ONCE')}</div>
        </div>
      ) : null}
    </div>
  );
}
