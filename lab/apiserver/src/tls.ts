// A lab CA and a serving certificate for 127.0.0.1/localhost, made once per lab folder.
// Needed because kubectl (clientcmd) sends a kubeconfig's credentials only over TLS: against plain HTTP it
// would always be anonymous. Keys stay under <labDir>/apiserver/tls (mode 600, git-ignored).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';

export interface ServingTls {
  caPem: string;
  certPem: string;
  keyPem: string;
  dir: string;
}

function rsaKeyPem(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function makeCert(opts: {
  subjectCN: string;
  keyPem: string;
  issuer?: { cert: forge.pki.Certificate; keyPem: string };
  ca: boolean;
  altNames?: Array<{ type: number; value?: string; ip?: string }>;
}): forge.pki.Certificate {
  const key = forge.pki.privateKeyFromPem(opts.keyPem) as forge.pki.rsa.PrivateKey;
  const pub = forge.pki.setRsaPublicKey(key.n, key.e);
  const cert = forge.pki.createCertificate();
  cert.publicKey = pub;
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(Date.now() + 5 * 365 * 24 * 3600 * 1000);
  const subject = [{ name: 'commonName', value: opts.subjectCN }];
  cert.setSubject(subject);
  cert.setIssuer(opts.issuer ? opts.issuer.cert.subject.attributes : subject);
  const extensions: any[] = [
    { name: 'basicConstraints', cA: opts.ca, critical: true },
    opts.ca
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ];
  if (!opts.ca) extensions.push({ name: 'extKeyUsage', serverAuth: true });
  if (opts.altNames) extensions.push({ name: 'subjectAltName', altNames: opts.altNames });
  cert.setExtensions(extensions);
  const signer = forge.pki.privateKeyFromPem(opts.issuer?.keyPem ?? opts.keyPem) as forge.pki.rsa.PrivateKey;
  cert.sign(signer, forge.md.sha256.create());
  return cert;
}

/** Loads <dir>/tls/{ca.crt,tls.crt,tls.key}, creating them on first use. */
export function ensureServingTls(apiserverDir: string): ServingTls {
  const dir = path.join(apiserverDir, 'tls');
  const files = { ca: path.join(dir, 'ca.crt'), cert: path.join(dir, 'tls.crt'), key: path.join(dir, 'tls.key') };
  if (fs.existsSync(files.ca) && fs.existsSync(files.cert) && fs.existsSync(files.key)) {
    return { caPem: fs.readFileSync(files.ca, 'utf8'), certPem: fs.readFileSync(files.cert, 'utf8'), keyPem: fs.readFileSync(files.key, 'utf8'), dir };
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caKey = rsaKeyPem();
  const ca = makeCert({ subjectCN: 'harbor-connect-lab-apiserver-ca', keyPem: caKey, ca: true });
  const key = rsaKeyPem();
  const cert = makeCert({
    subjectCN: 'kube-apiserver',
    keyPem: key,
    issuer: { cert: ca, keyPem: caKey },
    ca: false,
    altNames: [
      { type: 2, value: 'localhost' },
      { type: 2, value: 'kubernetes.default.svc' },
      { type: 7, ip: '127.0.0.1' },
    ],
  });
  const caPem = forge.pki.certificateToPem(ca);
  const certPem = forge.pki.certificateToPem(cert);
  fs.writeFileSync(files.ca, caPem, { mode: 0o644 });
  fs.writeFileSync(files.cert, certPem, { mode: 0o644 });
  fs.writeFileSync(files.key, key, { mode: 0o600 });
  return { caPem, certPem, keyPem: key, dir };
}

/** A kubeconfig for kubectl as system:lab-controller over the HTTPS listener. */
export function kubeconfig(server: string, caPem: string, token: string): string {
  const ca = Buffer.from(caPem).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: lab',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    '- name: lab-controller',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: lab',
    '  context:',
    '    cluster: lab',
    '    user: lab-controller',
    'current-context: lab',
    '',
  ].join('\n');
}
