// A typed wrapper around the console's global t().

export type TParams = Record<string, string | number>;
export type Translate = (key: string, params?: TParams) => string;

/**
 * Translate with the console's i18next. Values are not HTML-escaped (React escapes on render;
 * i18next's default would show `&#x2F;` for every `/` in a path or URL).
 * Outside the console (unit tests) it returns the key, so nothing crashes without a host.
 */
export const tr: Translate = (key, params) => {
  if (typeof t !== 'function') return key;
  return t(key, params ? { ...params, interpolation: { escapeValue: false } } : undefined);
};
