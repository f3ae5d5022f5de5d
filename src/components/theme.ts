// The extension's visual constants, in one place: the colours of KubeSphere's console (its @kubed theme) that the
// pages use. Components import these instead of writing a colour.
import type { CSSProperties } from 'react';
export const colors = {
  /** Body text. */
  text: '#242e42',
  /** Secondary text that still reads as text (fixes, labels). */
  textSecondary: '#36435c',
  /** Hints, descriptions, timestamps. */
  muted: '#79879c',
  /** Disabled or placeholder text. */
  faint: '#abb4be',
  white: '#fff',
  border: '#e3e9ef',
  borderSoft: '#d8dee5',
  borderStrong: '#ccd3db',
  /** Row separators inside a table. */
  rowBorder: '#eff4f9',
  panelBg: '#f9fbfd',
  success: '#55bc8a',
  successBorder: '#a7e0c5',
  successBg: '#f1faf5',
  warning: '#f5a623',
  /** Warning text on a light background (warning itself is too light to read). */
  warningText: '#b86e00',
  warningBg: '#fffbf0',
  error: '#ca2621',
  errorBg: '#fff1f0',
  info: '#329dce',
  infoText: '#1c6d91',
  infoBg: '#f0f8fc',
} as const;

export type ColorName = keyof typeof colors;

/** The monospace font of YAML, commands and object names. */
export const MONOSPACE = 'Monaco, Menlo, monospace';

/** The project page's compact tables (components/CompactTable.tsx: ProjectRegistries, ClusterRegistries, PullFailuresSection): header cell. */
export const compactTh: CSSProperties = { textAlign: 'left', padding: '8px 12px', color: colors.muted, fontWeight: 600, fontSize: 12, borderBottom: `1px solid ${colors.border}` };
/** ... and body cell. */
export const compactTd: CSSProperties = { padding: '8px 12px', borderBottom: `1px solid ${colors.rowBorder}`, verticalAlign: 'top' };
/** Hints and secondary values inside those tables. */
export const mutedSmall: CSSProperties = { color: colors.muted, fontSize: 12 };
