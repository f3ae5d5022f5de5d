// A typed wrapper around the console's global t().
//
// Only the menu titles and the page stand-ins' strings are registered with the console at start
// (src/i18n/start-locales.ts). The pages' strings are in src/i18n/locales.ts, which the page module (src/pages.ts,
// dist/pages.js, fetched on first use) hands to setPageStrings when it is evaluated. tr() then resolves them itself, in the language the console's i18next resolved for
// the HARBOR_CONNECT_LANG key registered at start (so i18next's own fallback to en is followed), with the same
// `{name}` interpolation as the console's i18next (prefix '{', suffix '}', no escaping, missing value -> '').

import type { Locales } from './locales';

export type TParams = Record<string, string | number>;
export type Translate = (key: string, params?: TParams) => string;

/** Registered with the console at start: tells tr() which language i18next resolved. */
export const LANG_KEY = 'HARBOR_CONNECT_LANG';

let pageStrings: Locales | undefined;

/** Called once by the page module (src/pages.ts) when it is first evaluated. */
export function setPageStrings(locales: Locales | undefined): void {
  pageStrings = locales;
}

/** `{name}` placeholders as the console's i18next replaces them (interpolation prefix '{', suffix '}'). */
export function interpolate(s: string, params?: TParams): string {
  if (!params) return s;
  return s.replace(/\{\s*([\w.]+)\s*\}/g, (_, name: string) => {
    const v = params[name];
    return v === undefined || v === null ? '' : String(v);
  });
}

/** The page string for key in the console's current language, or undefined (not loaded, unknown key). */
export function lookup(key: string, lang: string): string | undefined {
  if (!pageStrings) return undefined;
  const table = (pageStrings as unknown as Record<string, Record<string, string> | undefined>)[lang];
  return table?.[key] ?? pageStrings.en[key];
}

/**
 * Translate with the console's i18next. Values are not HTML-escaped (React escapes on render;
 * i18next's default would show `&#x2F;` for every `/` in a path or URL).
 * Outside the console (unit tests) it returns the key, so nothing crashes without a host.
 */
/** The language the console's i18next resolved ('en', 'zh'), or undefined outside the console or before it knows. */
export function consoleLang(): string | undefined {
  if (typeof t !== 'function') return undefined;
  const lang = t(LANG_KEY);
  return lang && lang !== LANG_KEY ? lang : undefined;
}

export const tr: Translate = (key, params) => {
  if (typeof t !== 'function') return key;
  if (pageStrings) {
    const lang = consoleLang();
    // Plurals as i18next writes them: `<key>_one` for a count of 1 where the language has a singular form.
    const singular = lang && params?.count === 1 ? lookup(`${key}_one`, lang) : undefined;
    const s = singular ?? (lang ? lookup(key, lang) : undefined);
    if (s !== undefined) return interpolate(s, params);
  }
  return t(key, params ? { ...params, interpolation: { escapeValue: false } } : undefined);
};
