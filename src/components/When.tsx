// Times on our pages, in the console's language and the browser's zone, through the one formatter
// (src/domain/time.ts): "3 minutes ago" with the local date and time as the title, the local date when older.
import React from 'react';
import { formatDate, formatDateTime, formatWhen, localizeDateParams, type TimeValue } from '../domain/time';
import { consoleLang } from '../i18n/t';

export interface WhenProps {
  value: TimeValue;
  /** The clock, when the page keeps one (ms); otherwise the time of this render. */
  now?: number;
  /** Shown when the value is missing or unparsable. */
  fallback?: React.ReactNode;
  testId?: string;
  style?: React.CSSProperties;
}

/** A `<time>` with the relative or local-date text, the local date-time as its title, the instant as `dateTime`. */
export function When({ value, now, fallback = null, testId, style }: WhenProps) {
  const w = formatWhen(value, consoleLang(), now ?? Date.now());
  if (!w) return <>{fallback}</>;
  return (
    <time dateTime={w.iso} title={w.title} data-testid={testId} style={style}>
      {w.text}
    </time>
  );
}

/** The same text as When, for a message parameter ("3 failed pulls, last {time}"); '' when missing. */
export function whenText(value: TimeValue, now: number = Date.now()): string {
  return formatWhen(value, consoleLang(), now)?.text ?? '';
}

/** The local date in the console's language ("expires on {date}"). */
export function localDate(value: TimeValue): string {
  return formatDate(value, consoleLang());
}

/** The local date and time in the console's language (a title). */
export function localDateTime(value: TimeValue): string {
  return formatDateTime(value, consoleLang());
}

/** A message's date parameters (ISO instants under date, notAfter, notBefore) as local dates. */
export function withLocalDates<P extends Record<string, string | number>>(params: P | undefined): P | undefined {
  return localizeDateParams(params, consoleLang());
}
