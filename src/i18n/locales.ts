// Every locales/<lang>/*.json is bundled and merged: other features add their own files
// (cert.json, diagnosis.json, ...) and they are picked up here without an edit.
//
// The console merges these into i18next's single namespace with every other extension
// (lodash merge), so every key carries the HARBOR_CONNECT_ prefix.
//
// Interpolation syntax: the console initialises i18next with `interpolation: { prefix: '{', suffix: '}' }`
// (kubesphere/console packages/core/src/utils/i18n.ts), so placeholders are written `{name}`, NOT `{{name}}`.
// i18next escapes interpolated values for HTML by default; React escapes again, so use `tr()` from ./t,
// which turns that off per call.

export type LocaleTable = Record<string, string>;
export type Locales = { en: LocaleTable; zh: LocaleTable };

const en = import.meta.glob<LocaleTable>('../../locales/en/*.json', { eager: true, import: 'default' });
const zh = import.meta.glob<LocaleTable>('../../locales/zh/*.json', { eager: true, import: 'default' });

function merge(files: Record<string, LocaleTable>): LocaleTable {
  const out: LocaleTable = {};
  // Sorted so a key defined twice resolves the same way on every build.
  for (const path of Object.keys(files).sort()) Object.assign(out, files[path]);
  return out;
}

export const locales: Locales = { en: merge(en), zh: merge(zh) };

/** File names per language, for tests. */
export const localeFiles = {
  en: Object.keys(en).map((p) => p.split('/').pop() as string),
  zh: Object.keys(zh).map((p) => p.split('/').pop() as string),
};
