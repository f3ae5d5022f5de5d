import React, { useRef, useState } from 'react';
import { Button, Textarea } from '@kubed/components';
import { tr } from '../../i18n/t';
import { colors } from '../theme';

/** DER bytes as a PEM CERTIFICATE block (inspection accepts both; the record stores PEM). */
export function derToPem(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
  const b64 = btoa(bin);
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** Reads an uploaded file: PEM text as is, DER (binary) converted to PEM. */
export async function readCertificateFile(file: File): Promise<string> {
  const buf = new Uint8Array(await file.arrayBuffer());
  const head = new TextDecoder('utf-8', { fatal: false }).decode(buf.slice(0, 64));
  if (/-----BEGIN /.test(head) || /^[\s\x20-\x7e]*$/.test(head)) return new TextDecoder().decode(buf);
  return derToPem(buf);
}

export interface CertificateInputProps {
  value: string;
  fileName?: string;
  onChange: (text: string, fileName?: string) => void;
}

/** Drop zone + file picker (.crt .pem .cer, PEM or DER) + a paste area, all feeding one PEM text. */
export function CertificateInput({ value, fileName, onChange }: CertificateInputProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [readError, setReadError] = useState<string>();

  const take = async (file: File | undefined) => {
    if (!file) return;
    setReadError(undefined);
    try {
      onChange(await readCertificateFile(file), file.name);
    } catch (e) {
      setReadError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <div>
      <div
        data-testid="hc-cert-dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void take(e.dataTransfer.files?.[0]);
        }}
        onClick={() => inputRef.current?.click()}
        style={{
          border: `1px dashed ${over ? colors.success : colors.faint}`,
          background: over ? colors.successBg : colors.panelBg,
          borderRadius: 4,
          padding: 20,
          textAlign: 'center',
          cursor: 'pointer',
          marginBottom: 12,
        }}
      >
        <div style={{ fontWeight: 600 }}>{tr('HARBOR_CONNECT_WIZARD_CERT_DROP')}</div>
        <div style={{ color: colors.muted, fontSize: 12, marginTop: 4 }}>{tr('HARBOR_CONNECT_WIZARD_CERT_DROP_HINT')}</div>
        {fileName ? (
          <div style={{ marginTop: 8 }} data-testid="hc-cert-filename">
            {tr('HARBOR_CONNECT_WIZARD_CERT_FILE', { name: fileName })}
          </div>
        ) : null}
        <input
          ref={inputRef}
          type="file"
          accept=".crt,.pem,.cer,.der"
          style={{ display: 'none' }}
          data-testid="hc-cert-file"
          onChange={(e) => {
            void take(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
      </div>
      {readError ? <div style={{ color: colors.error }}>{readError}</div> : null}
      <div style={{ marginBottom: 4, fontWeight: 600 }}>{tr('HARBOR_CONNECT_WIZARD_CERT_PASTE')}</div>
      <Textarea
        value={value}
        placeholder="-----BEGIN CERTIFICATE-----"
        onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => onChange(e.target.value)}
        style={{ fontFamily: 'Monaco, Menlo, monospace', fontSize: 12, minHeight: 120, width: '100%' }}
        data-testid="hc-cert-text"
      />
      {value ? (
        <Button size="sm" variant="text" onClick={() => onChange('', undefined)} style={{ marginTop: 4 }}>
          {tr('HARBOR_CONNECT_WIZARD_CERT_CLEAR')}
        </Button>
      ) : null}
    </div>
  );
}
