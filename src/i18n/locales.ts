// The pages' strings: every locales/<lang>/*.json, merged per language (./locale-table.ts). Other features add
// their own files (cert.json, diagnosis.json, ...) and they are picked up without an edit. Only the menu titles are
// registered with the console (./start-locales.ts); tr() (./t.ts) resolves these itself once a page has loaded.
//
// Every key carries the HARBOR_CONNECT_ prefix (the console merges extensions' locales into one i18next namespace).
//
// Interpolation syntax: the console initialises i18next with `interpolation: { prefix: '{', suffix: '}' }`
// (kubesphere/console packages/core/src/utils/i18n.ts), so placeholders are written `{name}`, NOT `{{name}}`;
// tr() interpolates the same way, unescaped (React escapes on render).
import { KEY_PREFIX, keys, localeFiles, values } from './locale-table';

export type LocaleTable = Record<string, string>;
export type Locales = { en: LocaleTable; zh: LocaleTable };

function table(list: Array<string | undefined>): LocaleTable {
  const out: LocaleTable = {};
  keys.forEach((k, i) => {
    const v = list[i];
    if (v !== undefined) out[KEY_PREFIX + k] = v;
  });
  return out;
}

export const locales: Locales = { en: table(values.en), zh: table(values.zh) };

export { localeFiles };
