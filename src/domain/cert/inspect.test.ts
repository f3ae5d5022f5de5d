import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectCertificate, toCaBundle, type FindingCode, type InspectionResult } from './index';
import { hasOpenssl, OpensslDir } from './openssl.testutil';

const HOST = 'harbor.example.com';
const SERVER_EXT = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth'];
const KEYID_EXT = ['subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid'];
const CA_EXT = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash'];

function codes(result: InspectionResult): FindingCode[] {
  return result.findings.map((f) => f.code);
}
function problems(result: InspectionResult): string[] {
  return result.findings.filter((f) => f.severity !== 'info').map((f) => `${f.severity}:${f.code}`);
}

describe.skipIf(!hasOpenssl())('inspectCertificate on openssl-made certificates', () => {
  const o = new OpensslDir();
  const pem: Record<string, string> = {};

  beforeAll(() => {
    o.rsaKey('ca.key');
    o.rsaKey('leaf.key');
    o.rsaKey('int.key');
    o.rsaKey('weak.key', 1024);
    o.ecKey('ec256.key', 'P-256');
    o.ecKey('ec384.key', 'P-384');

    o.selfSigned('ca.crt', 'ca.key', '/O=Test/CN=Test Root CA', [...CA_EXT, 'authorityKeyIdentifier=keyid'], { days: 3650 });
    o.signed('good.crt', 'leaf.key', `/O=Test/CN=${HOST}`, 'ca.crt', 'ca.key', [
      ...SERVER_EXT,
      ...KEYID_EXT,
      `subjectAltName=DNS:${HOST},IP:10.0.0.5`,
    ]);
    o.signed('other.crt', 'leaf.key', '/CN=other.example.com', 'ca.crt', 'ca.key', [...SERVER_EXT, 'subjectAltName=DNS:other.example.com']);
    o.signed('wild.crt', 'leaf.key', '/CN=*.example.com', 'ca.crt', 'ca.key', [...SERVER_EXT, 'subjectAltName=DNS:*.example.com']);
    o.signed('ip.crt', 'leaf.key', '/CN=10.0.0.5', 'ca.crt', 'ca.key', [...SERVER_EXT, 'subjectAltName=IP:10.0.0.5,IP:fd00::5,IP:::1']);
    o.signed('weak.crt', 'weak.key', `/CN=${HOST}`, 'ca.crt', 'ca.key', [...SERVER_EXT, `subjectAltName=DNS:${HOST}`]);
    o.signed('sha1.crt', 'leaf.key', `/CN=${HOST}`, 'ca.crt', 'ca.key', [...SERVER_EXT, `subjectAltName=DNS:${HOST}`], { md: 'sha1' });
    o.signed('md5.crt', 'leaf.key', `/CN=${HOST}`, 'ca.crt', 'ca.key', [...SERVER_EXT, `subjectAltName=DNS:${HOST}`], { md: 'md5' });
    o.selfSigned('sha1-self.crt', 'leaf.key', `/CN=${HOST}`, ['basicConstraints=critical,CA:FALSE', `subjectAltName=DNS:${HOST}`], { md: 'sha1' });

    // ECDSA: a P-256 self-signed server certificate, and a P-384 CA issuing a P-256 server certificate.
    o.selfSigned('ec256-self.crt', 'ec256.key', `/CN=${HOST}`, ['basicConstraints=critical,CA:FALSE', 'subjectKeyIdentifier=hash', `subjectAltName=DNS:${HOST}`]);
    o.selfSigned('ec384-ca.crt', 'ec384.key', '/O=Test/CN=EC Root', [...CA_EXT], { md: 'sha384' });
    o.signed('ec256-leaf.crt', 'ec256.key', `/CN=${HOST}`, 'ec384-ca.crt', 'ec384.key', [...SERVER_EXT, ...KEYID_EXT, `subjectAltName=DNS:${HOST}`], { md: 'sha384' });
    // An EC server certificate issued by the RSA CA, and an RSA one issued by the EC CA.
    o.signed('ec-by-rsa.crt', 'ec256.key', `/CN=${HOST}`, 'ca.crt', 'ca.key', [...SERVER_EXT, ...KEYID_EXT, `subjectAltName=DNS:${HOST}`]);
    o.signed('rsa-by-ec.crt', 'leaf.key', `/CN=${HOST}`, 'ec384-ca.crt', 'ec384.key', [...SERVER_EXT, ...KEYID_EXT, `subjectAltName=DNS:${HOST}`]);

    // Root → intermediate → server.
    o.signed('int.crt', 'int.key', '/O=Test/CN=Test Intermediate CA', 'ca.crt', 'ca.key', ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign,cRLSign', ...KEYID_EXT]);
    o.signed('via-int.crt', 'leaf.key', `/CN=${HOST}`, 'int.crt', 'int.key', [...SERVER_EXT, ...KEYID_EXT, `subjectAltName=DNS:${HOST}`]);

    // Dates chosen through `openssl ca`.
    o.signedWithDates('expired.crt', 'leaf.key', `/CN=${HOST}`, 'ca.crt', 'ca.key', [`subjectAltName=DNS:${HOST}`], '20200101000000Z', '20210101000000Z');
    o.signedWithDates('future.crt', 'leaf.key', `/CN=${HOST}`, 'ca.crt', 'ca.key', [`subjectAltName=DNS:${HOST}`], '20900101000000Z', '20910101000000Z');

    // The guide's commands, exactly (system openssl config, as a user would run them).
    const sys = { config: 'system' as const };
    o.run(['genrsa', '-out', 'harbor.key', '2048'], sys);
    o.run(['req', '-new', '-key', 'harbor.key', '-out', 'harbor.csr', '-subj', '/CN=harbor.example.com/O=DevOps Team'], sys);
    o.run(['x509', '-req', '-days', '365', '-in', 'harbor.csr', '-signkey', 'harbor.key', '-out', 'harbor.crt'], sys);

    // A v1 root (no extensions at all, as `x509 -req -signkey` makes) that issues a server certificate.
    o.run(['req', '-new', '-key', 'int.key', '-subj', '/CN=Old v1 Root', '-out', 'v1.csr']);
    o.run(['x509', '-req', '-days', '365', '-in', 'v1.csr', '-signkey', 'int.key', '-out', 'v1-root.crt']);
    o.signed('v1-leaf.crt', 'leaf.key', `/CN=${HOST}`, 'v1-root.crt', 'int.key', [`subjectAltName=DNS:${HOST}`]);

    // The common home-made mistake: CA and server with the same subject, no key identifiers.
    o.selfSigned('same-dn-ca.crt', 'ca.key', `/CN=${HOST}`, ['basicConstraints=critical,CA:TRUE']);
    o.signed('same-dn-leaf.crt', 'leaf.key', `/CN=${HOST}`, 'same-dn-ca.crt', 'ca.key', [`subjectAltName=DNS:${HOST}`]);

    o.run(['x509', '-in', 'ca.crt', '-trustout', '-addtrust', 'serverAuth', '-out', 'ca-trusted.crt']);
    o.run(['x509', '-in', 'good.crt', '-outform', 'DER', '-out', 'good.der']);
    o.run(['x509', '-in', 'ca.crt', '-outform', 'DER', '-out', 'ca.der']);
    o.run(['x509', '-in', 'ec256-self.crt', '-outform', 'DER', '-out', 'ec256-self.der']);
    o.write('good-text.crt', o.run(['x509', '-in', 'good.crt', '-text']));

    for (const name of [
      'ca.crt', 'good.crt', 'other.crt', 'wild.crt', 'ip.crt', 'weak.crt', 'sha1.crt', 'md5.crt', 'sha1-self.crt', 'ec256-self.crt',
      'ec384-ca.crt', 'ec256-leaf.crt', 'ec-by-rsa.crt', 'rsa-by-ec.crt', 'int.crt', 'via-int.crt', 'expired.crt',
      'future.crt', 'harbor.crt', 'v1-root.crt', 'v1-leaf.crt', 'same-dn-ca.crt', 'same-dn-leaf.crt', 'ca-trusted.crt',
      'good-text.crt',
    ]) {
      pem[name] = o.read(name);
    }
  }, 120_000);

  afterAll(() => o.cleanup());

  const check = (input: string | Uint8Array, host = HOST, now?: Date) => inspectCertificate(input, { host, now });

  it('a good chain (server certificate + CA) has no error and no warning', () => {
    const r = check(pem['good.crt']! + pem['ca.crt']!);
    expect(r.findings).toEqual([]);
    expect(r.serverCertificateIndex).toBe(0);
    const [leaf, ca] = r.certificates;
    expect(leaf!.subject).toMatchObject({ commonName: HOST, organization: 'Test', dn: `CN=${HOST},O=Test` });
    expect(leaf!.issuer.dn).toBe('CN=Test Root CA,O=Test');
    expect(leaf!.dnsNames).toEqual([HOST]);
    expect(leaf!.ipAddresses).toEqual(['10.0.0.5']);
    expect(leaf!.keyAlgorithm).toBe('RSA');
    expect(leaf!.keySize).toBe(2048);
    expect(leaf!.signatureAlgorithm).toBe('sha256WithRSAEncryption');
    expect(leaf!.isCA).toBe(false);
    expect(leaf!.selfSigned).toBe(false);
    expect(leaf!.extKeyUsage).toEqual(['serverAuth']);
    expect(leaf!.keyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(leaf!.authorityKeyId).toBe(ca!.subjectKeyId);
    expect(ca!.isCA).toBe(true);
    expect(ca!.selfSigned).toBe(true);
  });

  it('matches openssl on fingerprint, dates and serial', () => {
    const r = check(pem['good.crt']!);
    const fp = o.run(['x509', '-in', 'good.crt', '-noout', '-fingerprint', '-sha256']).trim().split('=')[1];
    expect(r.certificates[0]!.sha256Fingerprint).toBe(fp);
    const dates = o.run(['x509', '-in', 'good.crt', '-noout', '-startdate', '-enddate', '-serial', '-dateopt', 'iso_8601']);
    const notAfter = /notAfter=(.*)/.exec(dates)![1]!.trim().replace(' ', 'T').replace('Z', '.000Z');
    expect(r.certificates[0]!.notAfter).toBe(notAfter);
    const serial = /serial=(.*)/.exec(dates)![1]!.trim();
    expect(r.certificates[0]!.serialNumber.replace(/:/g, '')).toBe(serial.padStart(serial.length + (serial.length % 2), '0'));
    // What is returned is a clean CERTIFICATE block that openssl reads back to the same certificate.
    o.write('roundtrip.crt', r.certificates[0]!.pem);
    expect(o.run(['x509', '-in', 'roundtrip.crt', '-noout', '-fingerprint', '-sha256']).trim().split('=')[1]).toBe(fp);
  });

  it("the guide's certificate (CN only) is refused as nodes refuse it, and flagged self-signed", () => {
    const r = check(pem['harbor.crt']!);
    expect(problems(r)).toEqual(['error:legacy-cn-only']);
    expect(r.findings.find((f) => f.code === 'legacy-cn-only')!.params).toMatchObject({ cn: HOST, host: HOST });
    expect(codes(r)).toContain('self-signed-leaf');
    expect(r.certificates[0]!.version).toBe(1);
    expect(r.certificates[0]!.hasSanExtension).toBe(false);
    expect(r.certificates[0]!.subject.dn).toBe(`O=DevOps Team,CN=${HOST}`);
    expect(r.certificates[0]!.selfSigned).toBe(true);
  });

  it('a host outside the SANs is an error, checked on the server certificate', () => {
    const r = check(pem['other.crt']! + pem['ca.crt']!);
    expect(problems(r)).toEqual(['error:host-not-in-san']);
    expect(r.findings[0]).toMatchObject({ certificateIndex: 0, params: { host: HOST, names: 'other.example.com' } });
  });

  it('parses the host as typed: scheme, port, case, trailing dot', () => {
    for (const host of ['https://Harbor.Example.com:8443/', 'harbor.example.com.', 'HARBOR.EXAMPLE.COM', 'harbor.example.com:443/v2/']) {
      expect(problems(check(pem['good.crt']! + pem['ca.crt']!, host))).toEqual([]);
    }
  });

  it('wildcards match one label only, as TLS does', () => {
    const wild = pem['wild.crt']! + pem['ca.crt']!;
    expect(problems(check(wild, 'harbor.example.com'))).toEqual([]);
    expect(problems(check(wild, 'A.EXAMPLE.COM.'))).toEqual([]);
    expect(problems(check(wild, 'example.com'))).toEqual(['error:host-not-in-san']);
    expect(problems(check(wild, 'a.b.example.com'))).toEqual(['error:host-not-in-san']);
  });

  it('IP hosts are checked against IP SANs (v4, v6, bracketed with port)', () => {
    const ip = pem['ip.crt']! + pem['ca.crt']!;
    expect(check(ip).certificates[0]!.ipAddresses).toEqual(['10.0.0.5', 'fd00::5', '::1']);
    expect(problems(check(ip, '10.0.0.5:5000'))).toEqual([]);
    expect(problems(check(ip, 'https://10.0.0.5'))).toEqual([]);
    expect(problems(check(ip, '[::1]:5443'))).toEqual([]);
    expect(problems(check(ip, '[FD00:0:0::5]'))).toEqual([]);
    expect(problems(check(ip, '10.0.0.6:5000'))).toEqual(['error:ip-not-in-san']);
    expect(problems(check(ip, '[::2]:5443'))).toEqual(['error:ip-not-in-san']);
    // A DNS-only certificate reached by IP: Go wants an IP SAN, a DNS SAN spelling the IP does not count.
    expect(problems(check(pem['good.crt']! + pem['ca.crt']!, '10.0.0.9'))).toEqual(['error:ip-not-in-san']);
    expect(problems(check(pem['other.crt']! + pem['ca.crt']!, '10.0.0.5'))).toEqual(['error:ip-not-in-san']);
  });

  it('a weak RSA key is an error', () => {
    const r = check(pem['weak.crt']! + pem['ca.crt']!);
    expect(problems(r)).toEqual(['error:weak-key']);
    expect(r.findings[0]!.params).toEqual({ bits: 1024 });
  });

  it('SHA-1 and MD5 signatures: an error where Go checks the signature, a warning on a self-signed one', () => {
    const r = check(pem['sha1.crt']! + pem['ca.crt']!);
    expect(problems(r)).toEqual(['error:sha1-signature']);
    expect(r.findings[0]!.params).toEqual({ algorithm: 'sha1WithRSAEncryption', hash: 'SHA-1' });
    const md5 = check(pem['md5.crt']! + pem['ca.crt']!);
    expect(problems(md5)).toEqual(['error:sha1-signature']);
    expect(md5.findings[0]!.params).toEqual({ algorithm: 'md5WithRSAEncryption', hash: 'MD5' });
    const self = check(pem['sha1-self.crt']!);
    expect(problems(self)).toEqual(['warning:sha1-signature']);
    expect(codes(self)).toContain('self-signed-leaf');
  });

  it('ECDSA P-256 and P-384 certificates are inspected like RSA ones', () => {
    const self = check(pem['ec256-self.crt']!);
    expect(problems(self)).toEqual([]);
    expect(codes(self)).toEqual(['self-signed-leaf']);
    expect(self.certificates[0]).toMatchObject({
      keyAlgorithm: 'EC',
      keySize: 256,
      keyCurve: 'P-256',
      signatureAlgorithm: 'ecdsa-with-SHA256',
      selfSigned: true,
      isCA: false,
      dnsNames: [HOST],
    });

    const chain = check(pem['ec256-leaf.crt']! + pem['ec384-ca.crt']!);
    expect(chain.findings).toEqual([]);
    expect(chain.certificates[1]).toMatchObject({ keyAlgorithm: 'EC', keySize: 384, keyCurve: 'P-384', isCA: true, selfSigned: true });
    expect(chain.certificates[0]!.signatureAlgorithm).toBe('ecdsa-with-SHA384');
    expect(check(pem['ec256-leaf.crt']! + pem['ec384-ca.crt']!, 'wrong.example.com').findings.map((f) => f.code)).toEqual(['host-not-in-san']);

    expect(check(pem['ec-by-rsa.crt']! + pem['ca.crt']!).findings).toEqual([]);
    expect(check(pem['rsa-by-ec.crt']! + pem['ec384-ca.crt']!).findings).toEqual([]);
    // Mixed and mismatched: an EC-signed certificate is not issued by the RSA CA.
    expect(codes(check(pem['ec256-leaf.crt']! + pem['ca.crt']!))).toContain('leaf-not-ca');
  });

  it('an expired and a not-yet-valid certificate are errors', () => {
    const expired = check(pem['expired.crt']! + pem['ca.crt']!);
    expect(problems(expired)).toEqual(['error:expired']);
    expect(expired.findings[0]!.params).toMatchObject({ notAfter: '2021-01-01T00:00:00.000Z' });
    expect(expired.certificates[0]!.notBefore).toBe('2020-01-01T00:00:00.000Z');
    expect(problems(check(pem['future.crt']! + pem['ca.crt']!))).toEqual(['error:not-yet-valid']);
  });

  it('uses `now`: expiring within 30 days is a warning, past the end an error', () => {
    const chain = pem['good.crt']! + pem['ca.crt']!;
    const notAfter = new Date(check(chain).certificates[0]!.notAfter).getTime();
    const soon = check(chain, HOST, new Date(notAfter - 10 * 86_400_000));
    expect(problems(soon)).toEqual(['warning:expires-soon']);
    expect(soon.findings[0]).toMatchObject({ certificateIndex: 0, params: { days: 10 } });
    expect(problems(check(chain, HOST, new Date(notAfter - 31 * 86_400_000)))).toEqual([]);
    expect(problems(check(chain, HOST, new Date(notAfter + 1000)))).toEqual(['error:expired']);
    expect(problems(check(chain, HOST, new Date('2000-01-01T00:00:00Z')))).toEqual(['error:not-yet-valid', 'error:not-yet-valid']);
  });

  it('a chain in the wrong order is a warning, with the order it should have', () => {
    const reversed = check(pem['ca.crt']! + pem['good.crt']!);
    expect(problems(reversed)).toEqual(['warning:chain-order']);
    expect(reversed.findings[0]!.params).toEqual({ order: '2, 1' });
    expect(reversed.serverCertificateIndex).toBe(1);

    const three = check(pem['via-int.crt']! + pem['ca.crt']! + pem['int.crt']!);
    expect(problems(three)).toEqual(['warning:chain-order']);
    expect(three.findings[0]!.params).toEqual({ order: '1, 3, 2' });
    expect(check(pem['via-int.crt']! + pem['int.crt']! + pem['ca.crt']!).findings).toEqual([]);
    // The same CA twice is not a chain problem.
    expect(check(pem['good.crt']! + pem['ca.crt']! + pem['ca.crt']!).findings).toEqual([]);
  });

  it('a top certificate that is no CA leaves the chain incomplete', () => {
    const alone = check(pem['good.crt']!);
    expect(problems(alone)).toEqual(['warning:leaf-not-ca']);
    expect(alone.findings[0]!.certificateIndex).toBe(0);
    // Stopping at an intermediate CA is fine: nodes trust whatever is in the file.
    expect(check(pem['via-int.crt']! + pem['int.crt']!).findings).toEqual([]);
  });

  it('a CA-only upload gets no host finding, only the note that the served certificate is checked later', () => {
    for (const upload of [pem['ca.crt']!, pem['ca.crt']! + pem['ec384-ca.crt']!, pem['int.crt']! + pem['ca.crt']!]) {
      const r = check(upload, 'nothing-matches.example.org');
      expect(r.findings.map((f) => `${f.severity}:${f.code}`)).toEqual(['info:ca-only-host-unchecked']);
      expect(r.serverCertificateIndex).toBeUndefined();
    }
  });

  it('a v1 root without basicConstraints still counts as the issuer, not as the server certificate', () => {
    const r = check(pem['v1-leaf.crt']! + pem['v1-root.crt']!);
    expect(r.serverCertificateIndex).toBe(0);
    expect(r.certificates[1]).toMatchObject({ version: 1, isCA: false, selfSigned: true });
    expect(r.findings).toEqual([]);
  });

  it('a server certificate with the same subject as its CA is told apart by the signature', () => {
    const r = check(pem['same-dn-leaf.crt']! + pem['same-dn-ca.crt']!);
    expect(r.certificates[0]!.selfSigned).toBe(false);
    expect(r.certificates[1]!.selfSigned).toBe(true);
    expect(r.serverCertificateIndex).toBe(0);
    expect(r.findings).toEqual([]);
  });

  it('reads DER bytes, concatenated DER, base64 DER without armor and TRUSTED CERTIFICATE', () => {
    const der = o.readBytes('good.der');
    const fromDer = check(der);
    expect(fromDer.certificates).toHaveLength(1);
    expect(fromDer.certificates[0]!.pem).toBe(check(pem['good.crt']!).certificates[0]!.pem);
    const both = new Uint8Array([...der, ...o.readBytes('ca.der')]);
    expect(check(both).findings).toEqual([]);
    const ecDer = check(o.readBytes('ec256-self.der'));
    expect(ecDer.certificates[0]!.keyCurve).toBe('P-256');

    const base64 = Buffer.from(der).toString('base64');
    expect(check(base64).certificates).toHaveLength(1);
    expect(check(base64.replace(/(.{64})/g, '$1\n')).certificates).toHaveLength(1);

    const trusted = check(pem['ca-trusted.crt']!);
    expect(pem['ca-trusted.crt']).toContain('BEGIN TRUSTED CERTIFICATE');
    expect(trusted.certificates).toHaveLength(1);
    // Returned as a plain CERTIFICATE block: Go's AppendCertsFromPEM skips any other label.
    expect(trusted.certificates[0]!.pem).toBe(check(pem['ca.crt']!).certificates[0]!.pem);
  });

  it('reads PEM with text around it, CRLF line ends and PEM as bytes', () => {
    const text = pem['good-text.crt']!;
    expect(text).toContain('Certificate:');
    const r = check(`Here is our cert:\n\n${text}\n-- ops`);
    expect(r.certificates).toHaveLength(1);
    expect(problems(r)).toEqual(['warning:leaf-not-ca']);
    const crlf = (pem['good.crt']! + pem['ca.crt']!).replace(/\n/g, '\r\n');
    expect(check(crlf).findings).toEqual([]);
    expect(check(new TextEncoder().encode('\ufeff' + pem['good.crt']! + pem['ca.crt']!)).findings).toEqual([]);
    expect(toCaBundle(check(crlf).certificates)).toBe(pem['good.crt']! + pem['ca.crt']!);
  });

  it('a private key in the file is an error, and the key never comes back', () => {
    o.run(['pkey', '-in', 'leaf.key', '-traditional', '-out', 'rsa-trad.key']);
    o.run(['ecparam', '-name', 'prime256v1', '-genkey', '-out', 'ec-trad.key']);
    o.run(['pkcs8', '-topk8', '-in', 'leaf.key', '-v2', 'aes-256-cbc', '-passout', 'pass:secret', '-out', 'enc.key']);
    o.run(['pkey', '-in', 'leaf.key', '-outform', 'DER', '-out', 'leaf-key.der']);
    const keys = {
      rsa: o.read('rsa-trad.key'),
      ec: o.read('ec-trad.key'),
      pkcs8: o.read('leaf.key'),
      encrypted: o.read('enc.key'),
    };
    expect(keys.rsa).toContain('BEGIN RSA PRIVATE KEY');
    expect(keys.ec).toContain('BEGIN EC PRIVATE KEY');
    expect(keys.pkcs8).toContain('BEGIN PRIVATE KEY');
    expect(keys.encrypted).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    for (const [kind, key] of Object.entries(keys)) {
      const r = check(pem['good.crt']! + key + pem['ca.crt']!);
      expect(problems(r), kind).toEqual(['error:contains-private-key']);
      expect(r.certificates).toHaveLength(2);
      const body = key.split('\n').find((line) => line.length === 64 && !line.startsWith('-----'))!;
      expect(JSON.stringify(r), kind).not.toContain(body);
      expect(JSON.stringify(r), kind).not.toMatch(/PRIVATE KEY/);
      // A key alone: no certificate either.
      expect(codes(check(key)).sort(), kind).toEqual(['contains-private-key', 'not-a-certificate']);
    }
    expect(codes(check(o.readBytes('leaf-key.der'))).sort()).toEqual(['contains-private-key', 'not-a-certificate']);
  });

  it('a damaged certificate block is reported by its position, the others still read', () => {
    const broken = pem['good.crt']!.replace(/\n(.{10})/, '\n!!!!!!!!!!');
    const r = check(broken + pem['ca.crt']!);
    expect(r.certificates).toHaveLength(1);
    expect(r.findings.find((f) => f.code === 'not-a-certificate')!.params).toEqual({ block: 1 });
  });
});
