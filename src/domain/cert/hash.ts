// SHA-1, SHA-256, SHA-384, SHA-512 and MD5 over binary strings (one char per byte), synchronous and in plain JS:
// inspection runs on every keystroke and render, and WebCrypto's digest is asynchronous and missing on plain-http
// consoles. Inputs are certificates (a few KB), so clarity wins over speed. Replaces node-forge's md modules.
import { sha256Hex } from '../record/encoding';
import { binaryToBytes } from './bytes';

function toWords(binary: string, littleEndian: boolean, bits64: boolean): number[] {
  // Merkle-Damgard padding: 0x80, zeros, then the bit length (64-bit here; 128-bit for SHA-512 (upper half 0)).
  const block = bits64 ? 128 : 64;
  const lenBytes = bits64 ? 16 : 8;
  const total = Math.ceil((binary.length + 1 + lenBytes) / block) * block;
  const bytes = new Uint8Array(total);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  bytes[binary.length] = 0x80;
  const bitLen = binary.length * 8;
  for (let i = 0; i < 8; i++) {
    const b = Math.floor(bitLen / 2 ** (8 * i)) & 0xff;
    if (littleEndian) bytes[total - lenBytes + i] = b;
    else bytes[total - 1 - i] = b;
  }
  const words: number[] = [];
  for (let i = 0; i < total; i += 4) {
    words.push(
      littleEndian
        ? (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0
        : ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0,
    );
  }
  return words;
}

function wordsToBinary(words: number[], littleEndian = false): string {
  let out = '';
  for (const w of words) {
    out += littleEndian
      ? String.fromCharCode(w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, w >>> 24)
      : String.fromCharCode(w >>> 24, (w >>> 16) & 0xff, (w >>> 8) & 0xff, w & 0xff);
  }
  return out;
}

const rotl = (x: number, n: number) => ((x << n) | (x >>> (32 - n))) >>> 0;

export function sha1(binary: string): string {
  const w = toWords(binary, false, false);
  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
  const m = new Array<number>(80);
  for (let i = 0; i < w.length; i += 16) {
    for (let t = 0; t < 80; t++) m[t] = t < 16 ? w[i + t]! : rotl(m[t - 3]! ^ m[t - 8]! ^ m[t - 14]! ^ m[t - 16]!, 1);
    let [a, b, c, d, e] = h as [number, number, number, number, number];
    for (let t = 0; t < 80; t++) {
      const f = t < 20 ? (b & c) | (~b & d) : t < 40 ? b ^ c ^ d : t < 60 ? (b & c) | (b & d) | (c & d) : b ^ c ^ d;
      const k = t < 20 ? 0x5a827999 : t < 40 ? 0x6ed9eba1 : t < 60 ? 0x8f1bbcdc : 0xca62c1d6;
      const tmp = (rotl(a, 5) + f + e + k + m[t]!) >>> 0;
      e = d;
      d = c;
      c = rotl(b, 30);
      b = a;
      a = tmp;
    }
    h[0] = (h[0]! + a) >>> 0;
    h[1] = (h[1]! + b) >>> 0;
    h[2] = (h[2]! + c) >>> 0;
    h[3] = (h[3]! + d) >>> 0;
    h[4] = (h[4]! + e) >>> 0;
  }
  return wordsToBinary(h);
}

/** SHA-256: the implementation the registry record already has (src/domain/record/encoding.ts). */
export function sha256(binary: string): string {
  const hex = sha256Hex(binaryToBytes(binary));
  let out = '';
  for (let i = 0; i < hex.length; i += 2) out += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return out;
}

// SHA-512's constants are 64-bit fractional parts, beyond a double's precision: written out (FIPS 180-4 §4.2.3).
const K512 = (
  '428a2f98d728ae22 7137449123ef65cd b5c0fbcfec4d3b2f e9b5dba58189dbbc 3956c25bf348b538 59f111f1b605d019 923f82a4af194f9b ab1c5ed5da6d8118 ' +
  'd807aa98a3030242 12835b0145706fbe 243185be4ee4b28c 550c7dc3d5ffb4e2 72be5d74f27b896f 80deb1fe3b1696b1 9bdc06a725c71235 c19bf174cf692694 ' +
  'e49b69c19ef14ad2 efbe4786384f25e3 0fc19dc68b8cd5b5 240ca1cc77ac9c65 2de92c6f592b0275 4a7484aa6ea6e483 5cb0a9dcbd41fbd4 76f988da831153b5 ' +
  '983e5152ee66dfab a831c66d2db43210 b00327c898fb213f bf597fc7beef0ee4 c6e00bf33da88fc2 d5a79147930aa725 06ca6351e003826f 142929670a0e6e70 ' +
  '27b70a8546d22ffc 2e1b21385c26c926 4d2c6dfc5ac42aed 53380d139d95b3df 650a73548baf63de 766a0abb3c77b2a8 81c2c92e47edaee6 92722c851482353b ' +
  'a2bfe8a14cf10364 a81a664bbc423001 c24b8b70d0f89791 c76c51a30654be30 d192e819d6ef5218 d69906245565a910 f40e35855771202a 106aa07032bbd1b8 ' +
  '19a4c116b8d2d0c8 1e376c085141ab53 2748774cdf8eeb99 34b0bcb5e19b48a8 391c0cb3c5c95a63 4ed8aa4ae3418acb 5b9cca4f7763e373 682e6ff3d6b2b8a3 ' +
  '748f82ee5defb2fc 78a5636f43172f60 84c87814a1f0ab72 8cc702081a6439ec 90befffa23631e28 a4506cebde82bde9 bef9a3f7b2c67915 c67178f2e372532b ' +
  'ca273eceea26619c d186b8c721c0c207 eada7dd6cde0eb1e f57d4f7fee6ed178 06f067aa72176fba 0a637dc5a2c898a6 113f9804bef90dae 1b710b35131c471b ' +
  '28db77f523047d84 32caab7b40c72493 3c9ebe0a15c9bebc 431d67c49c100d4c 4cc5d4becb3e42b6 597f299cfc657e2a 5fcb6fab3ad6faec 6c44198c4a475817'
)
  .split(' ')
  .map((x) => BigInt('0x' + x));
const IV512 = '6a09e667f3bcc908 bb67ae8584caa73b 3c6ef372fe94f82b a54ff53a5f1d36f1 510e527fade682d1 9b05688c2b3e6c1f 1f83d9abfb41bd6b 5be0cd19137e2179';
const IV384 = 'cbbb9d5dc1059ed8 629a292a367cd507 9159015a3070dd17 152fecd8f70e5939 67332667ffc00b31 8eb44a8768581511 db0c2e0d64f98fa7 47b5481dbefa4fa4';

const M64 = (1n << 64n) - 1n;
const rotr64 = (x: bigint, n: bigint) => ((x >> n) | (x << (64n - n))) & M64;

function sha512Family(binary: string, iv: string, outWords: number): string {
  const w32 = toWords(binary, false, true);
  const h = iv.split(' ').map((x) => BigInt('0x' + x));
  const m = new Array<bigint>(80);
  for (let i = 0; i < w32.length; i += 32) {
    for (let t = 0; t < 80; t++) {
      if (t < 16) m[t] = (BigInt(w32[i + 2 * t]!) << 32n) | BigInt(w32[i + 2 * t + 1]!);
      else {
        const x = m[t - 15]!;
        const y = m[t - 2]!;
        const s0 = rotr64(x, 1n) ^ rotr64(x, 8n) ^ (x >> 7n);
        const s1 = rotr64(y, 19n) ^ rotr64(y, 61n) ^ (y >> 6n);
        m[t] = (m[t - 16]! + s0 + m[t - 7]! + s1) & M64;
      }
    }
    let [a, b, c, d, e, f, g, hh] = h as [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
    for (let t = 0; t < 80; t++) {
      const t1 = (hh + (rotr64(e, 14n) ^ rotr64(e, 18n) ^ rotr64(e, 41n)) + ((e & f) ^ (~e & M64 & g)) + K512[t]! + m[t]!) & M64;
      const t2 = ((rotr64(a, 28n) ^ rotr64(a, 34n) ^ rotr64(a, 39n)) + ((a & b) ^ (a & c) ^ (b & c))) & M64;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) & M64;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) & M64;
    }
    [a, b, c, d, e, f, g, hh].forEach((v, j) => (h[j] = (h[j]! + v) & M64));
  }
  let out = '';
  for (const x of h.slice(0, outWords)) out += wordsToBinary([Number(x >> 32n), Number(x & 0xffffffffn)]);
  return out;
}

export const sha512 = (binary: string): string => sha512Family(binary, IV512, 8);
export const sha384 = (binary: string): string => sha512Family(binary, IV384, 6);

const MD5_S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const MD5_K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);

export function md5(binary: string): string {
  const w = toWords(binary, true, false);
  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
  for (let i = 0; i < w.length; i += 16) {
    let [a, b, c, d] = h as [number, number, number, number];
    for (let t = 0; t < 64; t++) {
      const r = t >> 4;
      const f = r === 0 ? (b & c) | (~b & d) : r === 1 ? (d & b) | (~d & c) : r === 2 ? b ^ c ^ d : c ^ (b | ~d);
      const g = r === 0 ? t : r === 1 ? (5 * t + 1) % 16 : r === 2 ? (3 * t + 5) % 16 : (7 * t) % 16;
      const tmp = d;
      d = c;
      c = b;
      b = (b + rotl((a + f + MD5_K[t]! + w[i + g]!) >>> 0, MD5_S[(r << 2) | (t & 3)]!)) >>> 0;
      a = tmp;
    }
    h[0] = (h[0]! + a) >>> 0;
    h[1] = (h[1]! + b) >>> 0;
    h[2] = (h[2]! + c) >>> 0;
    h[3] = (h[3]! + d) >>> 0;
  }
  return wordsToBinary(h, true);
}

export const HASHES: Record<string, (binary: string) => string> = { sha1, sha256, sha384, sha512, md5 };
