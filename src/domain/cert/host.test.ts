import { describe, expect, it } from 'vitest';
import { formatIp, ipv6Bytes, matchesDnsName, parseRegistryHost } from './host';

describe('parseRegistryHost', () => {
  it.each([
    ['https://Harbor.Example.com:8443/', { kind: 'dns', host: 'harbor.example.com', port: 8443 }],
    ['harbor.example.com', { kind: 'dns', host: 'harbor.example.com', port: undefined }],
    ['harbor.example.com.', { kind: 'dns', host: 'harbor.example.com', port: undefined }],
    ['harbor.example.com/library/nginx:1.25', { kind: 'dns', host: 'harbor.example.com', port: undefined }],
    ['https://robot$ci:secret@harbor.example.com', { kind: 'dns', host: 'harbor.example.com', port: undefined }],
    ['10.0.0.5:5000', { kind: 'ip', host: '10.0.0.5', port: 5000 }],
    ['  10.0.0.5  ', { kind: 'ip', host: '10.0.0.5', port: undefined }],
    ['[::1]:5443', { kind: 'ip', host: '::1', port: 5443 }],
    ['https://[FD00::0005]:443/v2/', { kind: 'ip', host: 'fd00::5', port: 443 }],
    ['fe80::1', { kind: 'ip', host: 'fe80::1', port: undefined }],
    ['[fe80::1%eth0]', { kind: 'ip', host: 'fe80::1', port: undefined }],
    ['[::ffff:10.0.0.5]', { kind: 'ip', host: '10.0.0.5', port: undefined }],
    // Leading zeros: Go's net.ParseIP refuses them, so Go treats this as a DNS name.
    ['010.0.0.5', { kind: 'dns', host: '010.0.0.5', port: undefined }],
  ])('%s', (input, expected) => {
    expect(parseRegistryHost(input)).toMatchObject(expected);
  });

  it.each(['', '   ', 'https://', '[::1', '[nope]:80', 'a b'])('rejects %j', (input) => {
    expect(parseRegistryHost(input)).toBeUndefined();
  });
});

describe('matchesDnsName (Go VerifyHostname rules)', () => {
  it.each([
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'A.Example.COM', true],
    ['*.example.com', 'a.example.com.', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.b.example.com', false],
    ['f*.example.com', 'foo.example.com', false],
    ['harbor.example.com', 'HARBOR.example.com', true],
    ['harbor.example.com', 'harbor.example.org', false],
    ['', 'x', false],
  ])('%s vs %s → %s', (pattern, host, expected) => {
    expect(matchesDnsName(pattern, host)).toBe(expected);
  });
});

describe('IPv6 text', () => {
  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:DB8::0:1', '2001:db8::1'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ])('%s → %s', (input, expected) => {
    expect(formatIp(ipv6Bytes(input)!)).toBe(expected);
  });
  it.each(['1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', ':::', '1:2:3:4:5:6:7::8'])('rejects %s', (input) => {
    expect(ipv6Bytes(input)).toBeUndefined();
  });
});
