// Certificate inspection stays fast on a hostile file: hundreds of crafted certificates that all share a name
// (each "could" have issued each other, so a naive chain builder checks every pair's RSA signature) under the
// 1 MB cap. Inspection runs on each keystroke and on every list and health render.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectCertificate, MAX_CERTIFICATES } from './index';
import { toPem } from './bytes';
import { hasOpenssl, OpensslDir } from './openssl.testutil';

let dir: OpensslDir;
let template: Uint8Array;

beforeAll(() => {
  if (!hasOpenssl()) return;
  dir = new OpensslDir();
  // Subject and issuer CN=x, key A, signed by key B: not self-signed, and no key identifiers to tell them apart.
  dir.rsaKey('a.key');
  dir.rsaKey('b.key');
  dir.selfSigned('ca.pem', 'b.key', '/CN=x', []);
  dir.signed('leaf.pem', 'a.key', '/CN=x', 'ca.pem', 'b.key', []);
  dir.run(['x509', '-in', 'leaf.pem', '-outform', 'DER', '-out', 'leaf.der']);
  template = dir.readBytes('leaf.der');
}, 60_000);
afterAll(() => dir?.cleanup());

/** `count` distinct certificates: the template with its serial number rewritten (the signature no longer matches). */
function crafted(count: number): string {
  let i = 8; // cert SEQUENCE (4) + tbs SEQUENCE (4)
  if (template[i] === 0xa0) i += 5; // [0] version
  expect(template[i]).toBe(0x02); // serialNumber INTEGER
  const len = template[i + 1]!;
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const der = Uint8Array.from(template);
    for (let b = 0; b < len; b++) der[i + 2 + len - 1 - b] = (n >> (8 * b)) & (b === len - 1 ? 0x7f : 0xff);
    der[i + 2] = 0x01; // keep it positive and non-zero
    let bin = '';
    for (const x of der) bin += String.fromCharCode(x);
    out.push(toPem('CERTIFICATE', bin));
  }
  return out.join('');
}

describe('inspection of a hostile CA file', () => {
  it.runIf(hasOpenssl())('700 crafted certificates (under 1 MB): refused at once, the page never blocks', () => {
    const text = crafted(700);
    expect(text.length).toBeLessThan(1_048_576);
    const t = performance.now();
    const r = inspectCertificate(text, { host: 'harbor.example.com' });
    const ms = performance.now() - t;
    expect(r.findings).toEqual([{ code: 'too-many-certificates', severity: 'error', params: { count: 700, max: MAX_CERTIFICATES } }]);
    expect(ms).toBeLessThan(1_000);
  });

  it.runIf(hasOpenssl())(`the most it accepts (${MAX_CERTIFICATES}), all of one name: checked in well under a few seconds`, () => {
    const t = performance.now();
    const r = inspectCertificate(crafted(MAX_CERTIFICATES), { host: 'harbor.example.com' });
    const ms = performance.now() - t;
    expect(r.certificates).toHaveLength(MAX_CERTIFICATES);
    expect(ms).toBeLessThan(3_000);
  });
});
