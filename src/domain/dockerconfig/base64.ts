// UTF-8 safe base64 with browser APIs only (btoa/atob work on Latin-1 "binary strings").

export function utf8ToBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  // Chunked: String.fromCharCode(...bigArray) overflows the call stack on large inputs.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

/** Strict standard base64 (padding required, as Go's base64.StdEncoding); CR/LF ignored like Go does. */
export function isStdBase64(s: string): boolean {
  const t = s.replace(/[\r\n]/g, '');
  return t.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(t);
}

/** Decodes standard base64 to UTF-8 text; null when it is not base64 or not valid UTF-8. */
export function base64ToUtf8(s: string): string | null {
  if (!isStdBase64(s)) return null;
  let bin: string;
  try {
    bin = atob(s.replace(/[\r\n]/g, ''));
  } catch {
    return null;
  }
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
