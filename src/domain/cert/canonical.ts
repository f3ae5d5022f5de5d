// The CA as Harbor Connect stores it and writes it to nodes: ONLY the certificates parsed from what the user gave,
// each re-encoded as a standard PEM block from its DER. Text around the blocks, PEM headers, comments, keys and
// anything else are dropped, so nothing the user uploaded reaches the record, the installer or a shell command as
// is (a line "HC_EOF" in a CA file would otherwise end the heredoc of the manual node commands).
import { toPem } from './bytes';
import { decodeInput, MAX_INPUT_BYTES } from './input';
import { parseCertificateDer } from './parse';
import { utf8LengthExceeds } from './bytes';

/** More certificates than any CA chain has: refused (inspection cost grows with the count). */
export const MAX_CERTIFICATES = 32;

export type CanonicalCa =
  | { ok: true; pem: string; count: number }
  | { ok: false; reason: 'empty' | 'too-large' | 'too-many' | 'private-key' | 'not-a-certificate' };

/** Parses every certificate of `input` and re-encodes it; refuses private keys and anything that does not parse. */
export function canonicalCaPem(input: string | Uint8Array | undefined): CanonicalCa {
  if (input === undefined || (typeof input === 'string' && !input.trim()) || (input instanceof Uint8Array && input.length === 0)) {
    return { ok: false, reason: 'empty' };
  }
  if (input instanceof Uint8Array ? input.length > MAX_INPUT_BYTES : utf8LengthExceeds(input, MAX_INPUT_BYTES)) return { ok: false, reason: 'too-large' };
  let decoded: ReturnType<typeof decodeInput>;
  try {
    decoded = decodeInput(input);
  } catch {
    return { ok: false, reason: 'not-a-certificate' };
  }
  if (decoded.privateKeys.length) return { ok: false, reason: 'private-key' };
  if (!decoded.candidates.length) return { ok: false, reason: 'not-a-certificate' };
  if (decoded.candidates.length > MAX_CERTIFICATES) return { ok: false, reason: 'too-many' };
  const blocks: string[] = [];
  for (const c of decoded.candidates) {
    if (c.der === undefined) return { ok: false, reason: 'not-a-certificate' };
    try {
      parseCertificateDer(c.der);
    } catch {
      return { ok: false, reason: 'not-a-certificate' };
    }
    blocks.push(toPem('CERTIFICATE', c.der));
  }
  return { ok: true, pem: blocks.join(''), count: blocks.length };
}

/** The lines a canonical PEM bundle may hold: armor and base64, nothing a shell or a heredoc could act on. */
export const CANONICAL_PEM_LINE = /^(-----(BEGIN|END) CERTIFICATE-----|[A-Za-z0-9+/]{1,64}={0,2})$/;
