import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { normalizeRegistryAddress, imageRegistryHost, credentialMatchesImage, parseImageReference, credentialKeyMatchesHost, kubeletKeyFor } from './index';

const ok = (input: string, opts = {}) => {
  const r = normalizeRegistryAddress(input, opts);
  if (!r.ok) throw new Error(`expected ok for ${input}, got ${r.error}`);
  return r.value;
};
const err = (input: string, opts = {}) => {
  const r = normalizeRegistryAddress(input, opts);
  if (r.ok) throw new Error(`expected error for ${input}`);
  return r;
};

describe('normalizeRegistryAddress', () => {
  it('folds scheme, case, default port and trailing slashes', () => {
    const v = ok('https://Harbor.Example.com:443/');
    expect(v).toMatchObject({ host: 'harbor.example.com', secure: true, serverKey: 'harbor.example.com', authority: 'harbor.example.com', isDockerHub: false });
    expect(v.port).toBeUndefined();
    for (const s of ['harbor.example.com', 'HARBOR.example.com', 'harbor.example.com//', '  https://harbor.example.com  ', 'harbor.example.com.']) {
      expect(ok(s).serverKey).toBe('harbor.example.com');
    }
  });

  it('keeps a non-default port in the key', () => {
    expect(ok('https://harbor.example.com:8443')).toMatchObject({ port: 8443, serverKey: 'harbor.example.com:8443' });
    expect(ok('harbor.example.com:80')).toMatchObject({ port: 80, serverKey: 'harbor.example.com:80' });
  });

  it('refuses a path: it names a repository, not a registry', () => {
    expect(err('harbor.example.com/library')).toMatchObject({ error: 'has-path', suggestion: 'harbor.example.com', part: '/library' });
    expect(err('https://harbor.example.com:8443/library/nginx')).toMatchObject({ error: 'has-path', suggestion: 'harbor.example.com:8443' });
  });

  it('accepts /v1/ and /v2/ which docker and kubelet treat as the host', () => {
    expect(ok('https://harbor.example.com/v2/').serverKey).toBe('harbor.example.com');
  });

  it('refuses credentials, queries and other schemes', () => {
    expect(err('https://admin:Harbor12345@harbor.example.com')).toMatchObject({ error: 'has-credentials', suggestion: 'harbor.example.com' });
    expect(err('admin@bad host')).toMatchObject({ error: 'has-credentials' });
    expect(err('harbor.example.com?x=1').error).toBe('has-query');
    expect(err('harbor.example.com#frag').error).toBe('has-query');
    expect(err('oci://harbor.example.com').error).toBe('unsupported-scheme');
    expect(err('   ').error).toBe('empty');
  });

  it('needs consent for http://, then keeps the scheme in the key', () => {
    expect(err('http://harbor.example.com')).toMatchObject({ error: 'insecure-needs-consent', suggestion: 'http://harbor.example.com' });
    const v = ok('http://harbor.example.com:80/', { allowInsecure: true });
    expect(v).toMatchObject({ secure: false, serverKey: 'http://harbor.example.com', authority: 'harbor.example.com' });
    expect(ok('http://10.0.0.5:5000', { allowInsecure: true }).serverKey).toBe('http://10.0.0.5:5000');
  });

  it('handles IPv4 and bracketed IPv6', () => {
    expect(ok('10.0.0.5')).toMatchObject({ host: '10.0.0.5', kind: 'ipv4', serverKey: '10.0.0.5' });
    expect(ok('https://10.0.0.5:8443')).toMatchObject({ serverKey: '10.0.0.5:8443' });
    expect(ok('[FD00:0:0::1]:5000')).toMatchObject({ host: 'fd00::1', port: 5000, kind: 'ipv6', serverKey: '[fd00::1]:5000' });
    expect(ok('https://[2001:db8::1]:443/')).toMatchObject({ serverKey: '[2001:db8::1]' });
    expect(err('fd00::1').error).toBe('ipv6-needs-brackets');
    expect(err('10.0.0.256').error).toBe('invalid-host');
    expect(err('010.0.0.1').error).toBe('invalid-host');
  });

  it('validates ports and hosts', () => {
    expect(err('harbor.example.com:0').error).toBe('invalid-port');
    expect(err('harbor.example.com:65536').error).toBe('invalid-port');
    expect(err('harbor.example.com:').error).toBe('invalid-port');
    expect(err('harbor.example.com:https').error).toBe('invalid-port');
    expect(err('harbor_example.com').error).toBe('invalid-host');
    expect(err('-harbor.example.com').error).toBe('invalid-host');
    expect(err('har bor.example.com').error).toBe('invalid-host');
  });

  it('maps Docker Hub names to the key kubelet and docker use', () => {
    for (const s of ['docker.io', 'index.docker.io', 'https://registry-1.docker.io', 'hub.docker.com', 'https://index.docker.io/v1/']) {
      expect(ok(s)).toMatchObject({ serverKey: 'https://index.docker.io/v1/', isDockerHub: true, host: 'docker.io', displayName: 'Docker Hub' });
    }
  });

  it('converts IDN to punycode', () => {
    expect(ok('bücher.example').host).toBe('xn--bcher-kva.example');
  });

  it('is idempotent on its own serverKey (property)', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
    const host = fc.oneof(
      fc.array(label, { minLength: 1, maxLength: 4 }).map((ls) => [...ls, 'com'].join('.')),
      fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.')),
      fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((g) => `[${g.map((x) => x.toString(16)).join(':')}]`),
      fc.constantFrom('docker.io', 'index.docker.io', 'localhost'),
    );
    const input = fc.record({
      scheme: fc.constantFrom('', 'https://', 'HTTPS://', 'http://'),
      host,
      port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
      slash: fc.constantFrom('', '/', '//'),
      upper: fc.boolean(),
    });
    fc.assert(
      fc.property(input, ({ scheme, host: h, port, slash, upper }) => {
        const text = `${scheme}${upper ? h.toUpperCase() : h}${port ? `:${port}` : ''}${slash}`;
        const first = normalizeRegistryAddress(text, { allowInsecure: true });
        if (!first.ok) return true; // e.g. an all-numeric DNS-looking host
        const again = normalizeRegistryAddress(first.value.serverKey, { allowInsecure: true });
        expect(again.ok && again.value).toEqual(first.value);
        // The key is one kubelet would use for images on that registry (except a port-less IPv6, see below).
        if (!(first.value.kind === 'ipv6' && first.value.port === undefined)) {
          expect(credentialMatchesImage(first.value.serverKey, `${first.value.authority}/library/app:1`)).toBe(true);
        }
        return true;
      }),
      { numRuns: 400 },
    );
  });
});

describe('imageRegistryHost (Docker reference parsing)', () => {
  it.each([
    ['busybox', 'docker.io'],
    ['busybox:1.36', 'docker.io'],
    ['library/busybox', 'docker.io'],
    ['index.docker.io/library/busybox', 'docker.io'],
    ['localhost/x', 'localhost'],
    ['localhost:5000/x', 'localhost:5000'],
    ['harbor.example.com/library/nginx:1.25', 'harbor.example.com'],
    ['harbor.example.com:8443/library/nginx@sha256:abcd', 'harbor.example.com:8443'],
    ['10.0.0.5:5000/a/b/c', '10.0.0.5:5000'],
    ['myorg/app', 'docker.io'],
    ['Registry/app', 'Registry'],
  ])('%s → %s', (image, host) => {
    expect(imageRegistryHost(image)).toBe(host);
  });

  it('gives the name kubelet looks credentials up with', () => {
    expect(parseImageReference('busybox').name).toBe('docker.io/library/busybox');
    expect(parseImageReference('harbor.example.com/proj/app:1@sha256:x')).toMatchObject({ name: 'harbor.example.com/proj/app', tag: '1', digest: 'sha256:x' });
  });
});

describe('credentialMatchesImage (kubelet keyring)', () => {
  it('matches host and port exactly, ignoring the scheme', () => {
    expect(credentialMatchesImage('harbor.example.com', 'harbor.example.com/library/nginx')).toBe(true);
    expect(credentialMatchesImage('https://harbor.example.com', 'harbor.example.com/library/nginx')).toBe(true);
    expect(credentialMatchesImage('http://harbor.example.com', 'harbor.example.com/library/nginx')).toBe(true);
    expect(credentialMatchesImage('harbor.example.com', 'harbor.example.com:8443/library/nginx')).toBe(false);
    expect(credentialMatchesImage('harbor.example.com:8443', 'harbor.example.com/library/nginx')).toBe(false);
    // kubelet does not fold :443: a key with the default port does not serve images without it.
    expect(credentialMatchesImage('harbor.example.com:443', 'harbor.example.com/library/nginx')).toBe(false);
    expect(credentialMatchesImage('other.example.com', 'harbor.example.com/library/nginx')).toBe(false);
  });

  it('treats a key path as a prefix, and /v1/ /v2/ as the host', () => {
    expect(credentialMatchesImage('harbor.example.com/library', 'harbor.example.com/library/nginx')).toBe(true);
    expect(credentialMatchesImage('harbor.example.com/proj', 'harbor.example.com/library/nginx')).toBe(false);
    expect(credentialMatchesImage('https://harbor.example.com/v2/', 'harbor.example.com/library/nginx')).toBe(true);
    expect(kubeletKeyFor('https://harbor.example.com/v2/library')).toBe('harbor.example.com/library');
  });

  it('globs one label with *', () => {
    expect(credentialMatchesImage('*.example.com', 'harbor.example.com/x')).toBe(true);
    expect(credentialMatchesImage('*.example.com', 'example.com/x')).toBe(false);
    expect(credentialMatchesImage('*.example.com', 'a.b.example.com/x')).toBe(false);
    expect(credentialMatchesImage('harbor-*.example.com', 'harbor-prod.example.com/x')).toBe(true);
  });

  it('serves Docker Hub images with the Docker Hub key', () => {
    expect(credentialMatchesImage('https://index.docker.io/v1/', 'busybox')).toBe(true);
    expect(credentialMatchesImage('https://index.docker.io/v1/', 'docker.io/myorg/app')).toBe(true);
    expect(credentialMatchesImage('docker.io', 'myorg/app')).toBe(true);
    expect(credentialMatchesImage('https://index.docker.io/v1/', 'harbor.example.com/x')).toBe(false);
  });

  it('matches IPv4 and IPv6 registries', () => {
    expect(credentialMatchesImage('10.0.0.5:5000', '10.0.0.5:5000/app')).toBe(true);
    expect(credentialMatchesImage('[fd00::1]:5000', '[fd00::1]:5000/app')).toBe(true);
    // Kubelet quirk: without a port, net.SplitHostPort fails and the bracketed host is used as a glob pattern,
    // where "[...]" is a character class: a port-less IPv6 key never matches.
    expect(credentialMatchesImage('[fd00::1]', '[fd00::1]/app')).toBe(false);
  });

  it('credentialKeyMatchesHost ignores the key path', () => {
    expect(credentialKeyMatchesHost('harbor.example.com/library', 'harbor.example.com')).toBe(true);
    expect(credentialKeyMatchesHost('https://index.docker.io/v1/', 'docker.io')).toBe(true);
    expect(credentialKeyMatchesHost('harbor.example.com', 'harbor.example.com:8443')).toBe(false);
  });
});

describe('one host:port splitter for the three host parsers', () => {
  it('splits bracketed, bare IPv6 and host:port the same way for all of them', async () => {
    const { splitHostPort, parsePort } = await import('./address');
    const { parseRegistryHost } = await import('../cert/host');
    const { registryHost } = await import('../trust/host');
    expect(splitHostPort('[fd00::5]:8443')).toEqual({ host: 'fd00::5', portText: '8443', bracketed: true });
    expect(splitHostPort('fd00::5')).toEqual({ host: 'fd00::5', bracketed: false });
    expect(splitHostPort('harbor.example.com:5000')).toEqual({ host: 'harbor.example.com', portText: '5000', bracketed: false });
    expect(splitHostPort('[fd00::5]x')).toBeUndefined();
    expect([parsePort('443'), parsePort('0'), parsePort('65536'), parsePort('8a')]).toEqual([443, null, null, null]);
    for (const input of ['[fd00::5]:8443', 'harbor.example.com:5000', '10.0.0.5']) {
      const a = normalizeRegistryAddress(input);
      const c = parseRegistryHost(input);
      const t = registryHost(input);
      expect(a.ok && a.value.host).toBe(c?.host);
      expect(t.host).toBe(c?.host);
      expect(t.port).toBe(c?.port);
    }
    expect(() => registryHost('[fd00::zz]')).toThrow(/not a registry host/);
    expect(() => registryHost('harbor.example.com:99999')).toThrow(/not a port/);
  });
});
