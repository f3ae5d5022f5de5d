import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bigIntToBytes, bytesToBigInt, generateRsaKey, modInverse, probablyPrime, signPkcs1Sha256 } from './rsa-keygen';
import { bytesToBinary } from './bytes';
import { verifyRsaPkcs1 } from './rsa-verify';

describe('rsa-keygen', () => {
  it('tells primes from composites, Carmichael numbers included', () => {
    for (const p of [2n, 3n, 7919n, 2147483647n, (1n << 127n) - 1n]) expect(probablyPrime(p, 8), String(p)).toBe(true);
    for (const c of [1n, 561n, 41041n, 825265n, 7919n * 7907n, ((1n << 127n) - 1n) * ((1n << 61n) - 1n)]) expect(probablyPrime(c, 8), String(c)).toBe(false);
  });

  it('inverts and converts', () => {
    expect(modInverse(65537n, 3120n * 1000n + 7n)).toBe((() => {
      const m = 3120007n;
      for (let x = 1n; x < m; x++) if ((65537n * x) % m === 1n) return x;
      return -1n;
    })());
    expect(bytesToBigInt(bigIntToBytes(0x00ff01n, 4))).toBe(0xff01n);
    expect([...bigIntToBytes(0x80n)]).toEqual([0x80]);
  });

  it('makes a 2048-bit key whose PKCS#1 v1.5 SHA-256 signatures verify', async () => {
    const key = await generateRsaKey(2048);
    expect(key.n.toString(2)).toHaveLength(2048);
    expect(key.p * key.q).toBe(key.n);
    const data = 'signed bytes';
    const sig = signPkcs1Sha256(key, new Uint8Array(createHash('sha256').update(data, 'binary').digest()));
    expect(sig).toHaveLength(256);
    const n = bytesToBinary(bigIntToBytes(key.n));
    const e = bytesToBinary(bigIntToBytes(key.e));
    expect(verifyRsaPkcs1(n, e, 'sha256', data, bytesToBinary(sig))).toBe(true);
    expect(verifyRsaPkcs1(n, e, 'sha256', data + '!', bytesToBinary(sig))).toBe(false);
  }, 60_000);
});
