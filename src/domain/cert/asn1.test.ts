// ./asn1.ts against node-forge's asn1 (a devDependency now, for this comparison and the benches): the node-forge
// reader the inspection used before, on random DER trees and on truncated ones.
import fc from 'fast-check';
import forge from 'node-forge';
import type * as Forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import * as A from './asn1';

const forgeFromDer = (b: string) =>
  (forge.asn1.fromDer as unknown as (b: string, o: object) => Forge.asn1.Asn1)(b, { strict: true, parseAllBytes: true, decodeBitStrings: false });

type Tree = { tag: number; cls: number; value: string | Tree[] };
const bytes = fc.uint8Array({ maxLength: 300 }).map((u) => String.fromCharCode(...u));
const tree: fc.Arbitrary<Tree> = fc.letrec<{ t: Tree }>((tie) => ({
  t: fc.oneof(
    { depthSize: 'small' },
    // No tag 2 (INTEGER): forge's writer strips non-minimal leading bytes of any class's tag 2, ./asn1.ts writes
    // what it is given (generate.ts builds minimal INTEGERs itself).
    fc.record({ tag: fc.constantFrom(3, 4, 5, 6, 12, 19, 22, 23), cls: fc.constantFrom(0, 0x80), value: bytes }),
    fc.record({ tag: fc.constantFrom(16, 17, 0), cls: fc.constantFrom(0, 0x80), value: fc.array(tie('t'), { maxLength: 4 }) }),
  ),
})).t;

function toNode(t: Tree): A.Asn1 {
  return A.create(t.cls, t.tag, Array.isArray(t.value), Array.isArray(t.value) ? t.value.map(toNode) : t.value);
}
const shape = (n: { tagClass: number; type: number; constructed: boolean; value: unknown }): unknown => ({
  c: n.tagClass,
  t: n.type,
  k: n.constructed,
  v: Array.isArray(n.value) ? n.value.map(shape) : n.value,
});
const outcome = (f: () => { tagClass: number; type: number; constructed: boolean; value: unknown }) => {
  try {
    return { ok: shape(f()) };
  } catch {
    return { error: true };
  }
};

describe('asn1', () => {
  it('writes what forge writes and reads what forge reads, truncations included', () => {
    fc.assert(
      fc.property(tree, fc.nat(), (t, cut) => {
        const der = A.toDer(toNode(t));
        expect(der).toBe(forge.asn1.toDer(forge.asn1.create(t.cls, t.tag, Array.isArray(t.value), toNode(t).value as never)).getBytes());
        expect(shape(A.fromDer(der))).toEqual(shape(forgeFromDer(der)));
        const truncated = der.slice(0, cut % (der.length + 1));
        expect(outcome(() => A.fromDer(truncated))).toEqual(outcome(() => forgeFromDer(truncated)));
      }),
      { numRuns: 300 },
    );
  });

  it('OIDs, INTEGERs, times, BMPString, UTF-8', () => {
    for (const oid of ['2.5.4.3', '1.2.840.113549.1.1.11', '1.3.6.1.4.1.311.60.2.1.3', '2.5.29.37.0']) {
      expect(A.oidToDer(oid)).toBe(forge.asn1.oidToDer(oid).getBytes());
      expect(A.derToOid(A.oidToDer(oid))).toBe(oid);
    }
    for (const b of ['\x00', '\x7f', '\x80', '\xff\xff', '\x01\x00\x00\x00']) expect(A.derToInteger(b)).toBe(forge.asn1.derToInteger(b));
    const d = new Date('2049-12-31T23:59:58Z');
    expect(A.dateToUtcTime(d)).toBe(forge.asn1.dateToUtcTime(d));
    expect(A.dateToGeneralizedTime(new Date('2050-01-01T00:00:00Z'))).toBe(forge.asn1.dateToGeneralizedTime(new Date('2050-01-01T00:00:00Z')));
    expect(A.fromDer('\x1e\x04\x00h\x4e\x2d').value).toBe('h\u4e2d');
    expect(A.decodeUtf8(A.encodeUtf8('镜像 é'))).toBe('镜像 é');
    expect(() => A.decodeUtf8('\xc3\x28')).toThrow();
    expect(() => A.fromDer('\x30\x03\x02\x01\x00\x00')).toThrow(); // trailing byte
    expect(() => A.fromDer('\x04\x80\x00\x00')).toThrow(); // primitive of indefinite length
  });
});
