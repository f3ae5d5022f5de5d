// The one time formatter, in English and Chinese, in a fixed zone (UTC, and Shanghai to show the zone is used).
import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatWhen, intlLocale, localizeDateParams, RELATIVE_WITHIN_MS, toMillis } from './time';

const NOW = Date.parse('2026-05-01T10:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;

describe('formatWhen: relative within a day, the local date beyond, the local date-time as the title', () => {
  it('en', () => {
    expect(formatWhen(ago(0), 'en', NOW, 'UTC')?.text).toBe('now');
    expect(formatWhen(ago(45_000), 'en', NOW, 'UTC')?.text).toBe('45 seconds ago');
    expect(formatWhen(ago(3 * MIN + 20_000), 'en', NOW, 'UTC')?.text).toBe('3 minutes ago');
    expect(formatWhen(ago(MIN), 'en', NOW, 'UTC')?.text).toBe('1 minute ago');
    expect(formatWhen(ago(5 * HOUR), 'en', NOW, 'UTC')?.text).toBe('5 hours ago');
    expect(formatWhen(new Date(NOW + 2 * HOUR), 'en', NOW, 'UTC')?.text).toBe('in 2 hours');
    const old = formatWhen('2026-04-20T08:03:04Z', 'en', NOW, 'UTC');
    expect(old).toEqual({ text: 'Apr 20, 2026', title: 'Apr 20, 2026, 8:03:04 AM', iso: '2026-04-20T08:03:04.000Z' });
    expect(formatWhen(ago(3 * MIN), 'en', NOW, 'UTC')?.title).toBe('May 1, 2026, 9:57:00 AM');
  });

  it('zh', () => {
    expect(formatWhen(ago(0), 'zh', NOW, 'UTC')?.text).toBe('现在');
    expect(formatWhen(ago(45_000), 'zh', NOW, 'UTC')?.text).toBe('45秒钟前');
    expect(formatWhen(ago(3 * MIN), 'zh', NOW, 'UTC')?.text).toBe('3分钟前');
    expect(formatWhen(ago(5 * HOUR), 'zh', NOW, 'UTC')?.text).toBe('5小时前');
    expect(formatWhen(new Date(NOW + 2 * HOUR), 'zh', NOW, 'UTC')?.text).toBe('2小时后');
    expect(formatWhen('2026-04-20T08:03:04Z', 'zh', NOW, 'UTC')).toEqual({ text: '2026年4月20日', title: '2026年4月20日 08:03:04', iso: '2026-04-20T08:03:04.000Z' });
  });

  it('a day is the limit, both ways; the zone decides the local date', () => {
    expect(formatWhen(ago(RELATIVE_WITHIN_MS - 1), 'en', NOW, 'UTC')?.text).toBe('23 hours ago');
    expect(formatWhen(ago(RELATIVE_WITHIN_MS), 'en', NOW, 'UTC')?.text).toBe('Apr 30, 2026');
    expect(formatWhen(new Date(NOW + RELATIVE_WITHIN_MS), 'en', NOW, 'UTC')?.text).toBe('May 2, 2026');
    // 20:00 UTC is already the next day in Shanghai.
    expect(formatWhen('2026-04-20T20:00:00Z', 'zh', NOW, 'Asia/Shanghai')).toMatchObject({ text: '2026年4月21日', title: '2026年4月21日 04:00:00' });
  });

  it('accepts an ISO string, milliseconds or a Date; nothing for a missing or unparsable value', () => {
    const d = new Date(NOW - 3 * MIN);
    expect(formatWhen(d.getTime(), 'en', NOW, 'UTC')?.text).toBe('3 minutes ago');
    expect(formatWhen(d, 'en', NOW, 'UTC')?.text).toBe('3 minutes ago');
    for (const v of [undefined, null, '', 'yesterday', Number.NaN]) expect(formatWhen(v, 'en', NOW, 'UTC')).toBeUndefined();
    expect(toMillis('2026-05-01T10:00:00Z')).toBe(NOW);
  });
});

describe('the console language', () => {
  it('maps i18next codes to Intl locales, English when unknown', () => {
    expect(intlLocale('zh')).toBe('zh-CN');
    expect(intlLocale('tc')).toBe('zh-TW');
    expect(intlLocale('en')).toBe('en');
    expect(intlLocale(undefined)).toBe('en');
    expect(intlLocale('HARBOR_CONNECT_LANG')).toBe('en');
  });
});

describe('dates in messages ("expires on {date}")', () => {
  it('formatDate and formatDateTime, en and zh', () => {
    expect(formatDate('2030-01-21T00:00:00Z', 'en', 'UTC')).toBe('Jan 21, 2030');
    expect(formatDate('2030-01-21T00:00:00Z', 'zh', 'UTC')).toBe('2030年1月21日');
    expect(formatDateTime('2030-01-21T13:14:15Z', 'en', 'UTC')).toBe('Jan 21, 2030, 1:14:15 PM');
    expect(formatDateTime('2030-01-21T13:14:15Z', 'zh', 'UTC')).toBe('2030年1月21日 13:14:15');
    expect(formatDate(undefined, 'en')).toBe('');
  });

  it('localizeDateParams writes the ISO instants of date parameters as local dates and leaves the rest', () => {
    const params = { days: 20, date: '2030-01-21T00:00:00Z', notAfter: '2030-01-22T00:00:00.000Z', host: '2030-01-21T00:00:00Z', notBefore: '' };
    expect(localizeDateParams(params, 'en', 'UTC')).toEqual({ ...params, date: 'Jan 21, 2030', notAfter: 'Jan 22, 2030' });
    expect(localizeDateParams(params, 'zh', 'UTC')).toMatchObject({ date: '2030年1月21日', notAfter: '2030年1月22日' });
    const plain = { days: 3, date: 'soon' };
    expect(localizeDateParams(plain, 'en', 'UTC')).toBe(plain);
    expect(localizeDateParams(undefined, 'en')).toBeUndefined();
  });
});
