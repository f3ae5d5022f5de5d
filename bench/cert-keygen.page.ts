// Runs in Chromium (bundled by bench/cert-keygen.ts with esbuild): RSA-2048 key generation with
// WebCrypto vs node-forge's pure-JS generator, the two paths generate.ts can take.
import forge from 'node-forge/lib/forge';
import 'node-forge/lib/rsa';

type Forge = typeof import('node-forge');
const f = forge as Forge;

async function webCrypto(): Promise<number> {
  const started = performance.now();
  await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  );
  return performance.now() - started;
}

function forgePureJs(): number {
  const started = performance.now();
  f.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  return performance.now() - started;
}

async function run(rounds: number): Promise<{ webcrypto: number[]; forge: number[]; secure: boolean; nodeCrypto: boolean }> {
  await webCrypto(); // warm-up
  forgePureJs();
  const result = { webcrypto: [] as number[], forge: [] as number[], secure: isSecureContext, nodeCrypto: f.util.isNodejs };
  // Interleaved, so a slow stretch of the shared machine hits both sides alike.
  for (let i = 0; i < rounds; i++) {
    result.webcrypto.push(await webCrypto());
    result.forge.push(forgePureJs());
  }
  return result;
}

(window as unknown as { runBench: typeof run }).runBench = run;
