// When something happened, as KubeSphere's own pages show it: relative for the last day ("3 minutes ago",
// "3分钟前") with the local date and time as the title, the local date for anything older (or further ahead).
// One formatter for every time the extension shows; the console's language and the clock are passed in
// (src/components/When.tsx reads them), so this stays pure and testable in any time zone.

export type TimeValue = string | number | Date | undefined | null;

export interface WhenText {
  /** What the page shows: "3 minutes ago", or the local date for older times. */
  text: string;
  /** The local date and time (a cell's title). */
  title: string;
  /** The instant as ISO 8601 UTC (for a `dateTime` or `data-` attribute). */
  iso: string;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** Within this distance from now a time is shown relative; beyond it, as a local date. */
export const RELATIVE_WITHIN_MS = 24 * HOUR;

/** The Intl locale for the console's language (its i18next code: 'en', 'zh', 'tc', 'es'…); English otherwise. */
export function intlLocale(lang: string | undefined): string {
  if (lang === 'zh' || lang?.startsWith('zh-')) return 'zh-CN';
  if (lang === 'tc') return 'zh-TW';
  if (lang === 'es') return 'es';
  return 'en';
}

/** Milliseconds since the epoch, or undefined for a missing or unparsable value. */
export function toMillis(value: TimeValue): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

// Intl formatters are costly to build and a list formats many times: one per locale, style and zone.
const cache = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat>();
function dateFormat(locale: string, withTime: boolean, timeZone: string | undefined): Intl.DateTimeFormat {
  const key = `d|${locale}|${withTime}|${timeZone ?? ''}`;
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) {
    f = new Intl.DateTimeFormat(locale, withTime ? { dateStyle: 'medium', timeStyle: 'medium', timeZone } : { dateStyle: 'medium', timeZone });
    cache.set(key, f);
  }
  return f;
}
function relativeFormat(locale: string): Intl.RelativeTimeFormat {
  const key = `r|${locale}`;
  let f = cache.get(key) as Intl.RelativeTimeFormat | undefined;
  if (!f) {
    f = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    cache.set(key, f);
  }
  return f;
}

/** The local date ("May 1, 2024", "2024年5月1日"): for "expires on …"; '' for a missing or unparsable value. */
export function formatDate(value: TimeValue, lang: string | undefined, timeZone?: string): string {
  const ms = toMillis(value);
  return ms === undefined ? '' : dateFormat(intlLocale(lang), false, timeZone).format(ms);
}

/** The local date and time ("May 1, 2024, 10:03:04 AM", "2024年5月1日 10:03:04"); '' when missing. */
export function formatDateTime(value: TimeValue, lang: string | undefined, timeZone?: string): string {
  const ms = toMillis(value);
  return ms === undefined ? '' : dateFormat(intlLocale(lang), true, timeZone).format(ms);
}

/**
 * A time as the console shows it: relative within a day of `now` (seconds, minutes, hours; "now" under a
 * second), else the local date; the local date and time as the title. Undefined for a missing or unparsable value.
 */
export function formatWhen(value: TimeValue, lang: string | undefined, now: number, timeZone?: string): WhenText | undefined {
  const ms = toMillis(value);
  if (ms === undefined) return undefined;
  const locale = intlLocale(lang);
  const diff = ms - now;
  const abs = Math.abs(diff);
  let text: string;
  if (abs < RELATIVE_WITHIN_MS) {
    const [unit, size] = abs < MINUTE ? (['second', SECOND] as const) : abs < HOUR ? (['minute', MINUTE] as const) : (['hour', HOUR] as const);
    const n = Math.floor(abs / size);
    // Past times are negative ("3 minutes ago"); 0 reads "now" (numeric: 'auto').
    text = relativeFormat(locale).format(diff < 0 ? -n : n, unit);
  } else {
    text = dateFormat(locale, false, timeZone).format(ms);
  }
  return { text, title: dateFormat(locale, true, timeZone).format(ms), iso: new Date(ms).toISOString() };
}

/** Message parameters that hold an instant (ISO 8601) where the text reads "on {date}" / "before {notBefore}". */
export const DATE_PARAMS = ['date', 'notAfter', 'notBefore'] as const;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/**
 * A message's parameters with every ISO instant under a DATE_PARAMS name written as the local date, so domain
 * code can keep instants (testable, zone-free) and the page shows them in the user's language and zone.
 */
export function localizeDateParams<P extends Record<string, string | number>>(params: P | undefined, lang: string | undefined, timeZone?: string): P | undefined {
  if (!params) return params;
  let out: P | undefined;
  for (const name of DATE_PARAMS) {
    const v = params[name];
    if (typeof v === 'string' && ISO_INSTANT.test(v)) {
      const local = formatDate(v, lang, timeZone);
      if (!local) continue;
      out = out ?? ({ ...params } as P);
      (out as Record<string, string | number>)[name] = local;
    }
  }
  return out ?? params;
}
