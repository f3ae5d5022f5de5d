// dist/index.js and dist/pages.js must be printable ASCII: Helm renders each into a ConfigMap with toJson, which leaves U+0080..U+009F
// raw, and go-yaml refuses raw C1 control characters ("yaml: control characters are not allowed"). The minifier's
// ASCII charset (vite.config.ts) escapes every other character, so the bundle survives any YAML or JSON path.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeControlCharacters } from '../vite.config';

const builtFiles = ['index.js', 'pages.js'];

/** Offsets of bytes that are not printable ASCII (space..tilde) or a line feed, with what they are. */
function nonPrintable(bytes: Uint8Array): Array<{ offset: number; byte: number }> {
  const out: Array<{ offset: number; byte: number }> = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x0a || (b >= 0x20 && b <= 0x7e)) continue;
    out.push({ offset: i, byte: b });
  }
  return out;
}

describe('dist/index.js and dist/pages.js', () => {
  it.each(builtFiles)('%s is printable ASCII (plus line feeds) from the first byte to the last', (file) => {
    const path = join(__dirname, '..', 'dist', file);
    if (!existsSync(path)) throw new Error(`dist/${file} is missing: run \`npm run build\` first (npm test does)`);
    const bytes = readFileSync(path);
    const bad = nonPrintable(bytes);
    const sample = bad.slice(0, 5).map(({ offset, byte }) => `0x${byte.toString(16)} at ${offset}: ${JSON.stringify(bytes.subarray(Math.max(0, offset - 20), offset + 20).toString('latin1'))}`);
    expect(bad.length, sample.join('\n')).toBe(0);
  });

  it('the check itself tells a C1 control character from plain text', () => {
    expect(nonPrintable(Buffer.from('a\u0080b', 'utf8')).map((x) => x.byte)).toEqual([0xc2, 0x80]);
    expect(nonPrintable(Buffer.from('var a="\\x80";\n', 'utf8'))).toEqual([]);
  });

  it('control characters left raw in literals by the minifier are escaped without changing their value', () => {
    const code = 'return ["a\u0001b", /^\u0002+$/.test("\u0002\u0002"), /^\u0002$/.test("x"), "\u007f", "tab\tstays"];';
    const escaped = escapeControlCharacters(code);
    expect(nonPrintable(Buffer.from(escaped.replace(/[\t\n]/g, ' '), 'utf8'))).toEqual([]);
    expect(new Function(escaped)()).toEqual(new Function(code)());
  });
});
