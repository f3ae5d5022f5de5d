// Small layout pieces shared by the wizard's steps (inline styles: the host serves no CSS from extensions).
import React from 'react';
import { tr, type TParams } from '../../i18n/t';
import { colors } from '../../components/theme';

/** tr with a fallback key for texts another feature's locale file may not define yet ('' = show nothing). */
export function trOr(key: string, fallback: string, params?: TParams): string {
  const v = tr(key, params);
  if (v !== key) return v;
  return fallback ? tr(fallback, params) : '';
}

export function Field({
  label,
  help,
  error,
  children,
  testId,
}: {
  label: React.ReactNode;
  help?: React.ReactNode;
  error?: React.ReactNode;
  children: React.ReactNode;
  testId?: string;
}) {
  return (
    <div style={{ marginBottom: 16 }} data-testid={testId}>
      <div style={{ fontWeight: 600, marginBottom: 6, color: colors.text }}>{label}</div>
      {children}
      {error ? (
        <div style={{ color: colors.error, fontSize: 12, marginTop: 4 }} data-testid={testId ? `${testId}-error` : undefined} role="alert">
          {error}
        </div>
      ) : help ? (
        <div style={{ color: colors.muted, fontSize: 12, marginTop: 4 }}>{help}</div>
      ) : null}
    </div>
  );
}

export function Section({ title, description, children }: { title: React.ReactNode; description?: React.ReactNode; children: React.ReactNode }) {
  return (
    <div style={{ marginBottom: 20 }}>
      <div style={{ fontSize: 14, fontWeight: 600, color: colors.text, marginBottom: 4 }}>{title}</div>
      {description ? <div style={{ color: colors.muted, fontSize: 12, marginBottom: 10 }}>{description}</div> : null}
      {children}
    </div>
  );
}

export function Choice({
  checked,
  onChange,
  title,
  description,
  testId,
  type = 'radio',
}: {
  checked: boolean;
  onChange: (on: boolean) => void;
  title: React.ReactNode;
  description?: React.ReactNode;
  testId?: string;
  type?: 'radio' | 'checkbox';
}) {
  return (
    <label
      style={{
        display: 'flex',
        gap: 10,
        alignItems: 'flex-start',
        border: `1px solid ${checked ? colors.success : colors.border}`,
        background: checked ? colors.successBg : colors.white,
        borderRadius: 4,
        padding: '10px 12px',
        marginBottom: 8,
        cursor: 'pointer',
      }}
    >
      <input type={type} checked={checked} onChange={(e) => onChange(e.target.checked)} data-testid={testId} style={{ marginTop: 3 }} />
      <span>
        <span style={{ fontWeight: 600, display: 'block' }}>{title}</span>
        {description ? <span style={{ color: colors.muted, fontSize: 12 }}>{description}</span> : null}
      </span>
    </label>
  );
}

export const inputStyle: React.CSSProperties = { width: '100%', maxWidth: 520 };
