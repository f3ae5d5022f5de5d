import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { FINDING_CODES, generateRegistryCertificates, inspectCertificate, MAX_INPUT_BYTES, type InspectionResult } from './index';

const host = 'harbor.example.com';

function wellFormed(r: InspectionResult): void {
  expect(Array.isArray(r.certificates)).toBe(true);
  expect(Array.isArray(r.findings)).toBe(true);
  for (const f of r.findings) {
    expect(FINDING_CODES).toContain(f.code);
    expect(['error', 'warning', 'info']).toContain(f.severity);
  }
  if (r.certificates.length === 0) {
    expect(r.findings.some((f) => f.code === 'not-a-certificate' || f.code === 'too-large' || f.code === 'too-many-certificates')).toBe(true);
  }
  for (const c of r.certificates) {
    expect(Number.isNaN(Date.parse(c.notBefore))).toBe(false);
    expect(Number.isNaN(Date.parse(c.notAfter))).toBe(false);
    expect(c.sha256Fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(c.pem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
  }
}

function derOf(pem: string): Uint8Array {
  const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

describe('inspectCertificate never throws', () => {
  let serverDer: Uint8Array;
  let chainPem: string;

  beforeAll(async () => {
    const g = await generateRegistryCertificates({ host, keyAlgorithm: 'ECDSA-P256', extraNames: ['10.0.0.5'] });
    serverDer = derOf(g.serverCertPem);
    chainPem = g.serverCertPem + g.caCertPem;
  });

  it('on arbitrary bytes: a result, and not-a-certificate when nothing parses', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        wellFormed(inspectCertificate(bytes, { host }));
      }),
      { numRuns: 500 },
    );
  });

  it('on bytes that start like DER', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (tail) => {
        wellFormed(inspectCertificate(new Uint8Array([0x30, 0x82, tail.length >> 8, tail.length & 0xff, ...tail]), { host }));
      }),
      { numRuns: 300 },
    );
  });

  it('on arbitrary strings, including full unicode', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 2000 }), fc.string({ unit: 'binary', maxLength: 2000 })), (text) => {
        wellFormed(inspectCertificate(text, { host }));
      }),
      { numRuns: 500 },
    );
  });

  it('on PEM-looking assemblies of boundaries, base64 and keys', () => {
    const piece = fc.oneof(
      fc.constantFrom(
        '-----BEGIN CERTIFICATE-----\n',
        '-----END CERTIFICATE-----\n',
        '-----BEGIN TRUSTED CERTIFICATE-----\n',
        '-----END TRUSTED CERTIFICATE-----\n',
        '-----BEGIN RSA PRIVATE KEY-----\n',
        '-----END RSA PRIVATE KEY-----\n',
        '-----BEGIN ',
        '-----',
        'Proc-Type: 4,ENCRYPTED\n',
        'MIIB',
        '====',
        '\r\n',
      ),
      fc.base64String({ maxLength: 200 }),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        wellFormed(inspectCertificate(pieces.join(''), { host }));
      }),
      { numRuns: 500 },
    );
  });

  it('on a real certificate with bytes flipped, inserted or cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'insert', 'cut')), { minLength: 1, maxLength: 4 }),
        (edits) => {
          const bytes = Array.from(serverDer);
          for (const [pos, value, kind] of edits) {
            const at = pos % bytes.length;
            if (kind === 'flip') bytes[at] = value;
            else if (kind === 'insert') bytes.splice(at, 0, value);
            else bytes.splice(at, 1 + (value % 8));
          }
          const r = inspectCertificate(new Uint8Array(bytes), { host });
          wellFormed(r);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('on a good chain with any host string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (anyHost) => {
        wellFormed(inspectCertificate(chainPem, { host: anyHost }));
      }),
      { numRuns: 300 },
    );
  });

  it('on deep nesting, empty input and values that are not strings or bytes', () => {
    const deep = new Uint8Array(200_000);
    for (let i = 0; i < deep.length; i += 2) {
      deep[i] = 0x30;
      deep[i + 1] = 0x80;
    }
    wellFormed(inspectCertificate(deep, { host }));
    const deepDefinite = new Uint8Array(20_000).map((_, i) => (i % 2 === 0 ? 0x30 : 0x00));
    wellFormed(inspectCertificate(deepDefinite, { host }));
    expect(inspectCertificate('', { host }).findings.map((f) => f.code)).toEqual(['not-a-certificate']);
    expect(inspectCertificate(new Uint8Array(), { host }).findings.map((f) => f.code)).toEqual(['not-a-certificate']);
    for (const junk of [null, undefined, 42, {}, [], new ArrayBuffer(8)]) {
      wellFormed(inspectCertificate(junk as unknown as string, { host }));
      wellFormed(inspectCertificate(chainPem, junk as unknown as { host: string }));
    }
  });

  it('input over 1 MB is too large, string or bytes, whatever it holds', () => {
    const big = chainPem.repeat(Math.ceil((2 * 1024 * 1024) / chainPem.length));
    expect(big.length).toBeGreaterThan(2 * 1024 * 1024 - 1);
    for (const input of [big, new TextEncoder().encode(big), new Uint8Array(MAX_INPUT_BYTES + 1)]) {
      const r = inspectCertificate(input, { host });
      expect(r.findings.map((f) => f.code)).toEqual(['too-large']);
      expect(r.certificates).toEqual([]);
    }
    // Exactly 1 MB is allowed; multi-byte characters count as their UTF-8 bytes.
    expect(inspectCertificate(new Uint8Array(MAX_INPUT_BYTES), { host }).findings.map((f) => f.code)).toEqual(['not-a-certificate']);
    expect(inspectCertificate('证'.repeat(MAX_INPUT_BYTES / 3 + 1), { host }).findings.map((f) => f.code)).toEqual(['too-large']);
  });

  it('stays fast on a megabyte of boundaries without ends', () => {
    const text = '-----BEGIN CERTIFICATE-----\n-----BEGIN X-----\n'.repeat(20_000).slice(0, MAX_INPUT_BYTES);
    const started = Date.now();
    wellFormed(inspectCertificate(text, { host }));
    // About 0.1 s alone; the bound only catches a quadratic blow-up (minutes), not a busy machine.
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
