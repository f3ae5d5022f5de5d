// Times on our pages follow the console's language (the marker key tr() reads too).
import React from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LANG_KEY } from '../i18n/t';
import { When, whenText } from './When';

const NOW = Date.parse('2026-05-01T10:00:00Z');
const THREE_MIN_AGO = '2026-05-01T09:57:00Z';

afterEach(() => vi.unstubAllGlobals());

describe('When', () => {
  it('renders a <time> with the relative text, the instant and the local date-time as its title, in the console language', () => {
    vi.stubGlobal('t', (key: string) => (key === LANG_KEY ? 'zh' : key));
    const html = renderToString(<When value={THREE_MIN_AGO} now={NOW} testId="x" />);
    expect(html).toMatch(/^<time dateTime="2026-05-01T09:57:00.000Z" title="2026年\d+月\d+日 \d\d:\d\d:00" data-testid="x">3分钟前<\/time>$/);
    vi.stubGlobal('t', (key: string) => (key === LANG_KEY ? 'en' : key));
    expect(renderToString(<When value={THREE_MIN_AGO} now={NOW} />)).toContain('>3 minutes ago</time>');
    expect(whenText(THREE_MIN_AGO, NOW)).toBe('3 minutes ago');
  });

  it('English outside the console; the fallback for a missing time', () => {
    expect(whenText(THREE_MIN_AGO, NOW)).toBe('3 minutes ago');
    expect(renderToString(<When value={undefined} fallback={<span>unknown</span>} />)).toBe('<span>unknown</span>');
    expect(whenText('not a time', NOW)).toBe('');
  });
});
