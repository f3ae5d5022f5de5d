import { connect, createServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CertificateGenerationError,
  generateRegistryCertificates,
  inspectCertificate,
  type GeneratedRegistryCertificates,
} from './index';
import { hasOpenssl, OpensslDir } from './openssl.testutil';

const openssl = hasOpenssl() ? new OpensslDir() : undefined;
afterAll(() => openssl?.cleanup());

/** The checks every generated pair must pass: our inspector, openssl, and a real TLS handshake. */
async function expectAccepted(g: GeneratedRegistryCertificates, host: string, tlsName: string, prefix: string): Promise<void> {
  const chain = inspectCertificate(g.serverCertPem + g.caCertPem, { host });
  expect(chain.findings).toEqual([]);
  expect(chain.certificates[0]).toMatchObject({ isCA: false, selfSigned: false, extKeyUsage: ['serverAuth'] });
  expect(chain.certificates[1]).toMatchObject({ isCA: true, selfSigned: true, pathLength: 0, keyUsage: ['keyCertSign', 'cRLSign'] });
  expect(chain.certificates[0]!.authorityKeyId).toBe(chain.certificates[1]!.subjectKeyId);
  expect(chain.certificates[0]!.signatureAlgorithm).toMatch(/SHA256/i);
  // Uploading the CA alone, as the wizard will: nothing to fix.
  expect(inspectCertificate(g.caCertPem, { host }).findings.map((f) => f.code)).toEqual(['ca-only-host-unchecked']);
  // The key file is a key and nothing else.
  expect(g.serverKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n$/);

  if (openssl) {
    openssl.write(`${prefix}-ca.crt`, g.caCertPem);
    openssl.write(`${prefix}-harbor.crt`, g.serverCertPem);
    openssl.write(`${prefix}-harbor.key`, g.serverKeyPem);
    expect(openssl.run(['verify', '-CAfile', `${prefix}-ca.crt`, `${prefix}-harbor.crt`]).trim()).toBe(`${prefix}-harbor.crt: OK`);
    expect(openssl.run(['verify', '-purpose', 'sslserver', '-CAfile', `${prefix}-ca.crt`, `${prefix}-harbor.crt`]).trim()).toMatch(/OK$/);
    const text = openssl.run(['x509', '-in', `${prefix}-harbor.crt`, '-noout', '-text']);
    for (const name of g.dnsNames) expect(text).toContain(`DNS:${name}`);
    for (const ip of g.ipAddresses) expect(text.toLowerCase()).toContain(`ip address:${ip}`);
    expect(text).toMatch(/CA:FALSE/);
    expect(openssl.run(['x509', '-in', `${prefix}-ca.crt`, '-noout', '-text'])).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE/);
    // The key belongs to the certificate.
    const certKey = openssl.run(['x509', '-in', `${prefix}-harbor.crt`, '-noout', '-pubkey']);
    const keyKey = openssl.run(['pkey', '-in', `${prefix}-harbor.key`, '-pubout']);
    expect(certKey).toBe(keyKey);
  }

  // A real TLS handshake with hostname verification, trusting only the generated CA.
  const server = createServer({ cert: g.serverCertPem, key: g.serverKeyPem }, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    const socket = await new Promise<TLSSocket>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port, ca: g.caCertPem, servername: tlsName }, () => resolve(s));
      s.on('error', reject);
    });
    expect(socket.authorized).toBe(true);
    socket.destroy();
  } finally {
    server.close();
  }
}

describe('generateRegistryCertificates', () => {
  it('RSA-2048 via WebCrypto for a DNS host: accepted by the inspector, openssl and TLS', async () => {
    const g = await generateRegistryCertificates({ host: 'https://Harbor.Example.com/', extraNames: ['10.0.0.5', 'registry.example.com'] });
    expect(g.keySource).toBe('webcrypto');
    expect(g.dnsNames).toEqual(['harbor.example.com', 'registry.example.com']);
    expect(g.ipAddresses).toEqual(['10.0.0.5']);
    await expectAccepted(g, 'harbor.example.com', 'harbor.example.com', 'rsa-dns');
    const info = inspectCertificate(g.serverCertPem, { host: 'harbor.example.com' }).certificates[0]!;
    expect(info).toMatchObject({ keyAlgorithm: 'RSA', keySize: 2048, signatureAlgorithm: 'sha256WithRSAEncryption' });
    expect(info.subject).toMatchObject({ commonName: 'harbor.example.com', organization: 'Harbor Connect' });
    expect(info.keyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(g.caKeyPem).toMatch(/BEGIN PRIVATE KEY/);
  }, 60_000);

  it('for an IP host (v4 with port, and v6): the IP goes into the IP SANs', async () => {
    const v4 = await generateRegistryCertificates({ host: '127.0.0.1:5443' });
    expect(v4.dnsNames).toEqual([]);
    expect(v4.ipAddresses).toEqual(['127.0.0.1']);
    expect(v4.harborYmlSnippet).toContain('port: 5443');
    await expectAccepted(v4, '127.0.0.1:5443', '', 'rsa-ip');
    expect(inspectCertificate(v4.serverCertPem + v4.caCertPem, { host: '127.0.0.2' }).findings.map((f) => f.code)).toEqual(['ip-not-in-san']);

    const v6 = await generateRegistryCertificates({ host: '[::1]:5443', keyAlgorithm: 'ECDSA-P256' });
    expect(v6.ipAddresses).toEqual(['::1']);
    expect(v6.harborYmlSnippet).toMatch(/^hostname: "::1"\nhttps:\n {2}port: 5443\n/);
    expect(inspectCertificate(v6.serverCertPem + v6.caCertPem, { host: '[::1]:5443' }).findings).toEqual([]);
  }, 60_000);

  it('ECDSA P-256 via WebCrypto', async () => {
    const g = await generateRegistryCertificates({ host: 'harbor.example.com', keyAlgorithm: 'ECDSA-P256', extraNames: ['*.harbor.example.com'] });
    await expectAccepted(g, 'harbor.example.com', 'harbor.example.com', 'ec');
    const [leaf, ca] = inspectCertificate(g.serverCertPem + g.caCertPem, { host: 'x.harbor.example.com' }).certificates;
    expect(leaf).toMatchObject({ keyAlgorithm: 'EC', keyCurve: 'P-256', signatureAlgorithm: 'ecdsa-with-SHA256', keyUsage: ['digitalSignature'] });
    expect(ca).toMatchObject({ keyAlgorithm: 'EC', keyCurve: 'P-256' });
    expect(g.dnsNames).toEqual(['harbor.example.com', '*.harbor.example.com']);
  }, 60_000);

  it('RSA-3072 via WebCrypto', async () => {
    const g = await generateRegistryCertificates({ host: 'harbor.example.com', keyAlgorithm: 'RSA-3072' });
    expect(inspectCertificate(g.serverCertPem, { host: 'harbor.example.com' }).certificates[0]!.keySize).toBe(3072);
    expect(inspectCertificate(g.serverCertPem + g.caCertPem, { host: 'harbor.example.com' }).findings).toEqual([]);
  }, 120_000);

  it('without WebCrypto (an http:// console): RSA in plain JS (BigInt), same result', async () => {
    const g = await generateRegistryCertificates({ host: 'harbor.example.com', extraNames: ['10.0.0.5'] }, null);
    expect(g.keySource).toBe('js');
    await expectAccepted(g, 'harbor.example.com', 'harbor.example.com', 'js');
    await expect(generateRegistryCertificates({ host: 'harbor.example.com', keyAlgorithm: 'ECDSA-P256' }, null)).rejects.toMatchObject({
      code: 'ecdsa-needs-webcrypto',
    });
  }, 180_000);

  it('validity: backdated 5 minutes, 365 days for the server, 3650 for the CA, server never outlives the CA', async () => {
    const now = new Date('2030-06-01T12:00:00Z');
    const g = await generateRegistryCertificates({ host: 'harbor.example.com', keyAlgorithm: 'ECDSA-P256', now });
    const [leaf, ca] = inspectCertificate(g.serverCertPem + g.caCertPem, { host: 'harbor.example.com', now }).certificates;
    expect(leaf!.notBefore).toBe('2030-06-01T11:55:00.000Z');
    expect(leaf!.notAfter).toBe('2031-06-01T12:00:00.000Z');
    expect(ca!.notAfter).toBe('2040-05-29T12:00:00.000Z'); // 3650 days, three leap days in between

    const short = await generateRegistryCertificates({ host: 'h.example.com', keyAlgorithm: 'ECDSA-P256', now, validityDays: 800, caValidityDays: 100 });
    const [leaf2, ca2] = inspectCertificate(short.serverCertPem + short.caCertPem, { host: 'h.example.com', now }).certificates;
    expect(leaf2!.notAfter).toBe(ca2!.notAfter);
    // Past 2049 the dates are GeneralizedTime; they read back the same.
    const late = await generateRegistryCertificates({ host: 'h.example.com', keyAlgorithm: 'ECDSA-P256', now: new Date('2049-12-01T00:00:00Z') });
    expect(inspectCertificate(late.caCertPem, { host: 'h.example.com' }).certificates[0]!.notAfter).toBe('2059-11-29T00:00:00.000Z');
  }, 60_000);

  it('the harbor.yml block and the CA key on request', async () => {
    const g = await generateRegistryCertificates({ host: 'harbor.example.com', keyAlgorithm: 'ECDSA-P256', includeCaKey: false, organization: 'DevOps Team', caCommonName: 'DevOps Root' });
    expect(g.caKeyPem).toBeUndefined();
    expect(g.harborYmlSnippet).toBe(
      [
        'hostname: harbor.example.com',
        'https:',
        '  port: 443',
        '  # the server certificate (followed by any intermediate CA certificates)',
        '  certificate: /data/cert/harbor.crt',
        '  private_key: /data/cert/harbor.key',
        '',
      ].join('\n'),
    );
    const ca = inspectCertificate(g.caCertPem, { host: 'x' }).certificates[0]!;
    expect(ca.subject.dn).toBe('CN=DevOps Root,O=DevOps Team');
  }, 60_000);

  it('falls back to plain-JS RSA when WebCrypto refuses to make an RSA key', async () => {
    const refusing = {
      generateKey: () => Promise.reject(new Error('NotSupportedError')),
    } as unknown as SubtleCrypto;
    const g = await generateRegistryCertificates({ host: 'harbor.example.com', keyAlgorithm: 'RSA-2048' }, refusing);
    expect(g.keySource).toBe('js');
    expect(inspectCertificate(g.serverCertPem + g.caCertPem, { host: 'harbor.example.com' }).findings).toEqual([]);
    await expect(generateRegistryCertificates({ host: 'harbor.example.com', keyAlgorithm: 'ECDSA-P256' }, refusing)).rejects.toThrow('NotSupportedError');
  }, 180_000);

  it('refuses bad input with a code', async () => {
    const cases: Array<[Parameters<typeof generateRegistryCertificates>[0], string]> = [
      [{ host: '' }, 'invalid-host'],
      [{ host: 'https://' }, 'invalid-host'],
      [{ host: 'bad_host!.example.com' }, 'invalid-host'],
      [{ host: 'harbor.example.com', extraNames: ['no spaces allowed'] }, 'invalid-name'],
      [{ host: 'harbor.example.com', validityDays: 0 }, 'invalid-validity'],
      [{ host: 'harbor.example.com', caValidityDays: 1.5 }, 'invalid-validity'],
    ];
    for (const [options, code] of cases) {
      const error = await generateRegistryCertificates(options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CertificateGenerationError);
      expect((error as CertificateGenerationError).code).toBe(code);
    }
  });
});
