// Every locales/<lang>/*.json, merged per language, as one key list and one value list per language (keys without
// the HARBOR_CONNECT_ prefix). The build replaces this file with the same three lists as literals
// (vite.config.ts, compactLocales): each key is then written once for both languages, about 7 KB gzip less than
// two objects. Tests and tsc read the JSON files through import.meta.glob here.

export const KEY_PREFIX = 'HARBOR_CONNECT_';

const en = import.meta.glob<Record<string, string>>('../../locales/en/*.json', { eager: true, import: 'default' });
const zh = import.meta.glob<Record<string, string>>('../../locales/zh/*.json', { eager: true, import: 'default' });

function merge(files: Record<string, Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  // Sorted so a key defined twice resolves the same way on every build.
  for (const path of Object.keys(files).sort()) Object.assign(out, files[path]);
  return out;
}

const merged = { en: merge(en), zh: merge(zh) };
const allKeys = [...new Set([...Object.keys(merged.en), ...Object.keys(merged.zh)])];

/** Keys without KEY_PREFIX. */
export const keys: string[] = allKeys.map((k) => k.slice(KEY_PREFIX.length));
/** Per language, the value of keys[i] (undefined where a language lacks the key). */
export const values: { en: Array<string | undefined>; zh: Array<string | undefined> } = {
  en: allKeys.map((k) => merged.en[k]),
  zh: allKeys.map((k) => merged.zh[k]),
};

/** File names per language, for tests. */
export const localeFiles = {
  en: Object.keys(en).map((p) => p.split('/').pop() as string),
  zh: Object.keys(zh).map((p) => p.split('/').pop() as string),
};
