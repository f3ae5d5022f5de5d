// RSA key generation and signing in pure JS, for generate.ts when WebCrypto is missing (an http://
// console has no crypto.subtle). Loaded with import() so the WebCrypto path does not carry it.
import 'node-forge/lib/rsa';
import { forge } from './forge';

export { forge };
