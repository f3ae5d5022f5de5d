// RSA key generation and signing in plain JS (native BigInt), for a console without crypto.subtle (browsers hide
// it on plain-http pages) or whose WebCrypto refuses RSA. Randomness from crypto.getRandomValues, which plain-http
// pages do have. Replaces node-forge's RSA module (with its PRNG, AES and jsbn: about 18 KB gzip of the bundle).
//
// Primes as FIPS 186-5 B.3.3 asks in substance: random odd candidates with the top two bits set (so n has exactly
// `bits` bits), sieved by small primes, Miller-Rabin with random bases (rounds from FIPS 186-5 table B.1 for
// 1024/1536-bit primes: 5/4; 8 here), gcd(e, p-1) = 1, and |p - q| > 2^(bits/2 - 100).

/** The 400 odd primes from 3, for sieving candidates; computed on first use, not when the pages load. */
let smallPrimes: bigint[] | undefined;
function sieve(): bigint[] {
  if (!smallPrimes) {
    const odd: number[] = [];
    for (let i = 3; odd.length < 400; i += 2) if (odd.every((p) => i % p)) odd.push(i);
    smallPrimes = odd.map(BigInt);
  }
  return smallPrimes;
}

export interface RsaPrivateKey {
  n: bigint;
  e: bigint;
  d: bigint;
  p: bigint;
  q: bigint;
  dp: bigint;
  dq: bigint;
  qi: bigint;
}

export type RandomBytes = (n: number) => Uint8Array;

const cryptoRandom: RandomBytes = (n) => {
  const c = globalThis.crypto;
  if (!c?.getRandomValues) throw new Error('no crypto.getRandomValues: cannot make a key');
  return c.getRandomValues(new Uint8Array(n));
};

export function bytesToBigInt(bytes: Uint8Array): bigint {
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex ? BigInt('0x' + hex) : 0n;
}

/** Unsigned big-endian, exactly `length` bytes when given (left-padded), else minimal (at least one byte). */
export function bigIntToBytes(x: bigint, length?: number): Uint8Array {
  let hex = x.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  if (length !== undefined) hex = hex.padStart(length * 2, '0');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return result;
}

export function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [((a % m) + m) % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new Error('not invertible');
  return ((s0 % m) + m) % m;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Miller-Rabin with `rounds` random bases in [2, n-2]. */
export function probablyPrime(n: bigint, rounds: number, random: RandomBytes = cryptoRandom): boolean {
  if (n < 4n) return n > 1n;
  if (!(n & 1n)) return false;
  for (const p of sieve()) {
    if (n === p) return true;
    if (n % p === 0n) return false;
  }
  let d = n - 1n;
  let s = 0;
  while (!(d & 1n)) {
    d >>= 1n;
    s++;
  }
  const bytes = Math.ceil(n.toString(16).length / 2);
  for (let i = 0; i < rounds; i++) {
    const a = 2n + (bytesToBigInt(random(bytes + 8)) % (n - 3n));
    let x = modPow(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    let composite = true;
    for (let r = 1; r < s; r++) {
      x = (x * x) % n;
      if (x === n - 1n) {
        composite = false;
        break;
      }
    }
    if (composite) return false;
  }
  return true;
}

const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function randomPrime(bits: number, e: bigint, random: RandomBytes): Promise<bigint> {
  const bytes = Math.ceil(bits / 8);
  const excess = BigInt(bytes * 8 - bits);
  for (let tries = 0; ; tries++) {
    // Top two bits set, odd.
    let c = bytesToBigInt(random(bytes)) >> excess;
    c |= (3n << BigInt(bits - 2)) | 1n;
    if (gcd(e, c - 1n) === 1n && probablyPrime(c, 8, random)) return c;
    // Keep the page responsive: a few candidates per task.
    if (tries % 8 === 7) await yieldToPage();
  }
}

/** A fresh RSA key of `bits` bits (2048 or 3072 here) with public exponent 65537. */
export async function generateRsaKey(bits: number, random: RandomBytes = cryptoRandom): Promise<RsaPrivateKey> {
  const e = 65537n;
  for (;;) {
    const p = await randomPrime(bits / 2, e, random);
    const q = await randomPrime(bits / 2, e, random);
    const diff = p > q ? p - q : q - p;
    if (diff >> BigInt(bits / 2 - 100) === 0n) continue;
    const n = p * q;
    if (n.toString(2).length !== bits) continue;
    const phi = (p - 1n) * (q - 1n);
    const d = modInverse(e, phi);
    return { n, e, d, p, q, dp: d % (p - 1n), dq: d % (q - 1n), qi: modInverse(q, p) };
  }
}

/** s = m^d mod n by the CRT (RFC 8017 §5.1.2), checked against the public key (a fault must not leak the key). */
export function rsaPrivate(key: RsaPrivateKey, m: bigint): bigint {
  const m1 = modPow(m % key.p, key.dp, key.p);
  const m2 = modPow(m % key.q, key.dq, key.q);
  const h = (key.qi * (((m1 - m2) % key.p) + key.p)) % key.p;
  const s = m2 + h * key.q;
  if (modPow(s, key.e, key.n) !== m % key.n) throw new Error('RSA signature check failed');
  return s;
}

/** DigestInfo DER prefix for SHA-256 (RFC 8017 §9.2 note 1). */
const SHA256_DIGEST_INFO = Uint8Array.from([0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20]);

/** RSASSA-PKCS1-v1_5 signature (RFC 8017 §8.2.1) of a SHA-256 digest. */
export function signPkcs1Sha256(key: RsaPrivateKey, sha256: Uint8Array): Uint8Array {
  const k = Math.ceil(key.n.toString(16).length / 2);
  const t = new Uint8Array(SHA256_DIGEST_INFO.length + sha256.length);
  t.set(SHA256_DIGEST_INFO);
  t.set(sha256, SHA256_DIGEST_INFO.length);
  const em = new Uint8Array(k).fill(0xff);
  em[0] = 0;
  em[1] = 1;
  em[k - t.length - 1] = 0;
  em.set(t, k - t.length);
  return bigIntToBytes(rsaPrivate(key, bytesToBigInt(em)), k);
}
