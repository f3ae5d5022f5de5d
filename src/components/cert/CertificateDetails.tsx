import React from 'react';
import { Tag } from '@kubed/components';
import { CERT_DETAIL_LABEL_KEYS, findingMessageKeys, type CertificateInfo, type Finding, type InspectionResult } from '../../domain/cert';
import { tr } from '../../i18n/t';
import { colors } from '../theme';
import { When, withLocalDates } from '../When';

const SEVERITY_STYLE: Record<Finding['severity'], { border: string; bg: string; color: string }> = {
  error: { border: colors.error, bg: colors.errorBg, color: colors.error },
  warning: { border: colors.warning, bg: colors.warningBg, color: colors.warningText },
  info: { border: colors.info, bg: colors.infoBg, color: colors.infoText },
};

function keyText(c: CertificateInfo): string {
  if (c.keyAlgorithm === 'RSA') return tr('HARBOR_CONNECT_CERT_KEY_RSA', { bits: c.keySize ?? '?' });
  if (c.keyAlgorithm === 'EC') return tr('HARBOR_CONNECT_CERT_KEY_EC', { curve: c.keyCurve ?? '?' });
  return String(c.keyAlgorithm);
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div style={{ display: 'flex', padding: '4px 0', fontSize: 12 }}>
      <div style={{ width: 180, color: colors.muted, flexShrink: 0 }}>{label}</div>
      <div style={{ wordBreak: 'break-all' }}>{children}</div>
    </div>
  );
}

export function FindingList({ findings }: { findings: Finding[] }) {
  if (!findings.length) {
    return (
      <div style={{ color: colors.success, padding: '8px 0' }} data-testid="hc-cert-no-problems">
        {tr('HARBOR_CONNECT_CERT_NO_PROBLEMS')}
      </div>
    );
  }
  return (
    <div data-testid="hc-cert-findings">
      {findings.map((f, i) => {
        const keys = findingMessageKeys(f.code);
        const s = SEVERITY_STYLE[f.severity];
        return (
          <div
            key={`${f.code}-${i}`}
            data-testid="hc-cert-finding"
            data-severity={f.severity}
            data-code={f.code}
            style={{ borderLeft: `3px solid ${s.border}`, background: s.bg, padding: '8px 12px', marginBottom: 8, borderRadius: 2 }}
          >
            <div style={{ fontWeight: 600, color: s.color }}>
              {tr(`HARBOR_CONNECT_CERT_SEVERITY_${f.severity.toUpperCase()}`)} · {tr(keys.title, withLocalDates(f.params))}
              {f.certificateIndex !== undefined ? ` (${tr('HARBOR_CONNECT_CERT_CERTIFICATE_INDEX', { index: f.certificateIndex + 1 })})` : ''}
            </div>
            <div style={{ fontSize: 12, marginTop: 2 }}>{tr(keys.fix, withLocalDates(f.params))}</div>
          </div>
        );
      })}
    </div>
  );
}

export function CertificateCard({ cert, index, server }: { cert: CertificateInfo; index: number; server: boolean }) {
  const L = CERT_DETAIL_LABEL_KEYS;
  const yes = (b: boolean) => tr(b ? 'HARBOR_CONNECT_CERT_YES' : 'HARBOR_CONNECT_CERT_NO');
  const sans = [...cert.dnsNames, ...cert.ipAddresses];
  return (
    <div style={{ border: `1px solid ${colors.border}`, borderRadius: 4, padding: 12, marginBottom: 8 }} data-testid="hc-cert-card">
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', marginBottom: 6 }}>
        <span style={{ fontWeight: 600 }}>{tr('HARBOR_CONNECT_CERT_CERTIFICATE_INDEX', { index: index + 1 })}</span>
        <Tag color={cert.isCA ? 'secondary' : 'default'}>
          {tr(server ? 'HARBOR_CONNECT_CERT_SERVER_CERTIFICATE' : cert.isCA ? 'HARBOR_CONNECT_CERT_CA_CERTIFICATE' : 'HARBOR_CONNECT_CERT_SERVER_CERTIFICATE')}
        </Tag>
        {cert.selfSigned ? <Tag color="warning">{tr(L.selfSigned)}</Tag> : null}
      </div>
      <Row label={tr(L.subject)}>{cert.subject.dn || '—'}</Row>
      <Row label={tr(L.issuer)}>{cert.issuer.dn || '—'}</Row>
      <Row label={tr(L.sans)}>{sans.length ? sans.join(', ') : tr('HARBOR_CONNECT_CERT_NO_SANS')}</Row>
      <Row label={tr(L.notBefore)}>
        <When value={cert.notBefore} fallback={cert.notBefore} />
      </Row>
      <Row label={tr(L.notAfter)}>
        <When value={cert.notAfter} fallback={cert.notAfter} />
      </Row>
      <Row label={tr(L.sha256Fingerprint)}>
        <span style={{ fontFamily: 'Monaco, Menlo, monospace' }}>{cert.sha256Fingerprint}</span>
      </Row>
      <Row label={tr(L.key)}>{keyText(cert)}</Row>
      <Row label={tr(L.signatureAlgorithm)}>{cert.signatureAlgorithm}</Row>
      <Row label={tr(L.isCA)}>{yes(cert.isCA)}</Row>
      <Row label={tr(L.selfSigned)}>{yes(cert.selfSigned)}</Row>
    </div>
  );
}

/** Findings first (what blocks, what to fix), then each certificate's details. */
export function CertificateDetails({ result }: { result: InspectionResult }) {
  return (
    <div data-testid="hc-cert-details">
      <FindingList findings={result.findings} />
      {result.certificates.map((c, i) => (
        <CertificateCard key={c.sha256Fingerprint + i} cert={c} index={i} server={i === result.serverCertificateIndex} />
      ))}
    </div>
  );
}
