import { afterEach, describe, expect, it, vi } from 'vitest';
import { consoleLang, interpolate, LANG_KEY, setPageStrings, tr } from './t';

afterEach(() => {
  vi.unstubAllGlobals();
  setPageStrings(undefined);
});

describe('tr', () => {
  it('interpolates {name} as the console i18next does: unescaped, missing values empty', () => {
    expect(interpolate('a {x} b { y } {z}', { x: '<b>/', y: 2 })).toBe('a <b>/ b 2 ');
    expect(interpolate('no params {x}')).toBe('no params {x}');
  });

  it('returns the key without a host, and uses the console t() until the pages have loaded', () => {
    expect(tr('HARBOR_CONNECT_X')).toBe('HARBOR_CONNECT_X');
    const t = vi.fn((key: string) => (key === LANG_KEY ? 'zh' : `t:${key}`));
    vi.stubGlobal('t', t);
    expect(tr('HARBOR_CONNECT_X')).toBe('t:HARBOR_CONNECT_X');
  });

  it('resolves page strings in the language i18next resolved, falling back to en, then to the console', () => {
    setPageStrings({ en: { HARBOR_CONNECT_A: 'A {n}', HARBOR_CONNECT_B: 'B' }, zh: { HARBOR_CONNECT_A: '甲 {n}' } });
    let lang = 'zh';
    vi.stubGlobal('t', (key: string) => (key === LANG_KEY ? lang : `t:${key}`));
    expect(tr('HARBOR_CONNECT_A', { n: 1 })).toBe('甲 1');
    expect(tr('HARBOR_CONNECT_B')).toBe('B');
    expect(tr('OTHER')).toBe('t:OTHER');
    lang = 'en';
    expect(tr('HARBOR_CONNECT_A', { n: 2 })).toBe('A 2');
    // An i18next that does not know the marker (not registered): the console's t() for everything.
    lang = LANG_KEY;
    expect(tr('HARBOR_CONNECT_A', { n: 3 })).toBe('t:HARBOR_CONNECT_A');
  });

  it('uses <key>_one for a count of 1, as i18next writes plurals', () => {
    setPageStrings({ en: { HARBOR_CONNECT_N: '{count} registries', HARBOR_CONNECT_N_one: '{count} registry' }, zh: { HARBOR_CONNECT_N: '{count} 个', HARBOR_CONNECT_N_one: '{count} 个' } });
    let lang = 'en';
    vi.stubGlobal('t', (key: string) => (key === LANG_KEY ? lang : key));
    expect(tr('HARBOR_CONNECT_N', { count: 1 })).toBe('1 registry');
    expect(tr('HARBOR_CONNECT_N', { count: 2 })).toBe('2 registries');
    expect(tr('HARBOR_CONNECT_N', { count: 0 })).toBe('0 registries');
    lang = 'zh';
    expect(tr('HARBOR_CONNECT_N', { count: 1 })).toBe('1 个');
  });
});

describe('consoleLang', () => {
  it('is the language i18next resolved for the marker key, undefined without a host or a known marker', () => {
    expect(consoleLang()).toBeUndefined();
    let lang = 'zh';
    vi.stubGlobal('t', (key: string) => (key === LANG_KEY ? lang : key));
    expect(consoleLang()).toBe('zh');
    lang = LANG_KEY;
    expect(consoleLang()).toBeUndefined();
  });
});
