// Only the parts of node-forge that inspection needs: the ASN.1 layer and the hashes. Importing
// 'node-forge' itself pulls in TLS, PKCS#12, ciphers and more (about 79 KB gzip, measured with
// esbuild); these modules are about 17 KB. Each module registers itself on the one shared forge object.
import forgeCore from 'node-forge/lib/forge';
import 'node-forge/lib/asn1';
import 'node-forge/lib/sha1';
import 'node-forge/lib/sha256';
import 'node-forge/lib/sha512';
import 'node-forge/lib/md5';
import type * as Forge from 'node-forge';

export const forge = forgeCore as typeof Forge;
export type Asn1 = Forge.asn1.Asn1;

export interface FromDerOptions {
  strict?: boolean;
  parseAllBytes?: boolean;
  /** false: keep BIT STRING contents raw instead of guessing they hold ASN.1. */
  decodeBitStrings?: boolean;
}

/** forge.asn1.fromDer with its options object, which @types/node-forge does not declare. */
export function fromDer(binary: string, options: FromDerOptions): Asn1 {
  return (forge.asn1.fromDer as unknown as (bytes: string, options: FromDerOptions) => Asn1)(binary, options);
}
