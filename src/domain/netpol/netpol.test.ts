import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { BlockList } from 'node:net';
import type { NetworkPolicy } from 'kubernetes-types/networking/v1';
import { evaluateEgress, planAllowEgress, ipInCidr, parseCidr, formatCidr, matchesSelector, effectivePolicyTypes, NetpolPlanError } from './index';

const np = (name: string, spec: NetworkPolicy['spec']): NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: 'demo', resourceVersion: '100', uid: `uid-${name}` },
  spec,
});

// The guide's policy (GUIDE.zh.md 4.3), as the API server returns it.
const ALLOW_HARBOR = np('allow-harbor', {
  podSelector: {},
  policyTypes: ['Egress'],
  egress: [{ to: [{ ipBlock: { cidr: '10.0.0.5/32' } }], ports: [{ protocol: 'TCP', port: 443 }] }],
});
const DENY_ALL_EGRESS = np('default-deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
const HARBOR = { ip: '10.0.0.5', port: 443 };
const codes = (r: { notes: Array<{ code: string }> }) => r.notes.map((n) => n.code);

describe('evaluateEgress', () => {
  it('no policy selecting the pod: allowed', () => {
    const r = evaluateEgress({ policies: [], podLabels: { app: 'web' }, destination: HARBOR });
    expect(r).toMatchObject({ allowed: true, selectedBy: [] });
    expect(codes(r)).toContain('no-egress-policy');
    expect(codes(r)).toContain('image-pulls-not-affected');
  });

  it("the guide's allow-harbor: that IP and port only", () => {
    expect(evaluateEgress({ policies: [ALLOW_HARBOR], podLabels: {}, destination: HARBOR })).toMatchObject({ allowed: true, allowedBy: ['allow-harbor'] });
    expect(evaluateEgress({ policies: [ALLOW_HARBOR], podLabels: {}, destination: { ip: '10.0.0.6', port: 443 } })).toMatchObject({ allowed: false, blockedBy: ['allow-harbor'] });
    expect(evaluateEgress({ policies: [ALLOW_HARBOR], podLabels: {}, destination: { ...HARBOR, port: 8443 } }).allowed).toBe(false);
    expect(evaluateEgress({ policies: [ALLOW_HARBOR], podLabels: {}, destination: { ...HARBOR, protocol: 'UDP' } }).allowed).toBe(false);
  });

  it('policies are additive: one allowing is enough', () => {
    const r = evaluateEgress({ policies: [DENY_ALL_EGRESS, ALLOW_HARBOR], podLabels: { app: 'web' }, destination: HARBOR });
    expect(r).toMatchObject({ allowed: true, allowedBy: ['allow-harbor'], selectedBy: ['default-deny-egress', 'allow-harbor'] });
    expect(evaluateEgress({ policies: [DENY_ALL_EGRESS], podLabels: {}, destination: HARBOR })).toMatchObject({ allowed: false, blockedBy: ['default-deny-egress'] });
  });

  it('policyTypes: explicit, or implied by egress rules', () => {
    const ingressOnly = np('ingress-only', { podSelector: {}, ingress: [{}] });
    expect(effectivePolicyTypes(ingressOnly)).toEqual(['Ingress']);
    expect(evaluateEgress({ policies: [ingressOnly], podLabels: {}, destination: HARBOR }).allowed).toBe(true);
    const implied = np('implied', { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '192.168.0.0/16' } }] }] });
    expect(effectivePolicyTypes(implied)).toEqual(['Ingress', 'Egress']);
    expect(evaluateEgress({ policies: [implied], podLabels: {}, destination: HARBOR }).allowed).toBe(false);
    const emptyEgressList = np('empty', { podSelector: {}, egress: [] });
    expect(evaluateEgress({ policies: [emptyEgressList], podLabels: {}, destination: HARBOR }).allowed).toBe(true);
  });

  it('empty `to` allows every destination, empty ports every port', () => {
    const anyDest443 = np('any-443', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 443 }] }] });
    expect(evaluateEgress({ policies: [anyDest443], podLabels: {}, destination: { ip: '8.8.8.8', port: 443 } }).allowed).toBe(true);
    const allowAll = np('allow-all', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] });
    expect(evaluateEgress({ policies: [allowAll], podLabels: {}, destination: { ip: '2001:db8::1', port: 5000 } }).allowed).toBe(true);
  });

  it('pod selectors: matchLabels and matchExpressions', () => {
    const sel = np('sel', {
      podSelector: {
        matchLabels: { tier: 'build' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['ci', 'dev'] },
          { key: 'legacy', operator: 'DoesNotExist' },
          { key: 'team', operator: 'Exists' },
          { key: 'zone', operator: 'NotIn', values: ['dmz'] },
        ],
      },
      policyTypes: ['Egress'],
    });
    const base = { tier: 'build', env: 'ci', team: 'a' };
    expect(evaluateEgress({ policies: [sel], podLabels: base, destination: HARBOR }).allowed).toBe(false); // selected, no rules
    for (const labels of [{ ...base, tier: 'web' }, { ...base, env: 'prod' }, { ...base, legacy: 'x' }, { tier: 'build', env: 'ci' }, { ...base, zone: 'dmz' }]) {
      expect(evaluateEgress({ policies: [sel], podLabels: labels, destination: HARBOR }).allowed).toBe(true); // not selected
    }
    expect(matchesSelector({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, { a: '2' })).toBe(false);
  });

  it('ipBlock except, IPv6, endPort ranges', () => {
    const p = np('ranges', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        { to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.0.0/24'] } }], ports: [{ protocol: 'TCP', port: 8000, endPort: 9000 }] },
        { to: [{ ipBlock: { cidr: 'fd00::/64' } }] },
      ],
    });
    const ev = (ip: string, port: number) => evaluateEgress({ policies: [p], podLabels: {}, destination: { ip, port } }).allowed;
    expect(ev('10.1.2.3', 8443)).toBe(true);
    expect(ev('10.1.2.3', 9001)).toBe(false);
    expect(ev('10.0.0.5', 8443)).toBe(false); // excepted
    expect(ev('fd00::5', 443)).toBe(true);
    expect(ev('[fd00:0:0:1::5]', 443)).toBe(false);
  });

  it('notes selector peers and named ports, which cannot match an external IP', () => {
    const p = np('peers', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'harbor' } } }] },
        { ports: [{ port: 'https' }] },
      ],
    });
    const r = evaluateEgress({ policies: [p], podLabels: {}, destination: HARBOR });
    expect(r.allowed).toBe(false);
    expect(r.notes.filter((n) => n.policy === 'peers').map((n) => n.code)).toEqual(['selector-peer-not-evaluated', 'named-port-ignored']);
  });

  it('ignores policies of other namespaces', () => {
    const other = { ...DENY_ALL_EGRESS, metadata: { ...DENY_ALL_EGRESS.metadata, namespace: 'other' } };
    const r = evaluateEgress({ policies: [other], podLabels: {}, namespace: 'demo', destination: HARBOR });
    expect(r.allowed).toBe(true);
    expect(codes(r)).toContain('other-namespace-policy-ignored');
  });
});

describe('CIDR math', () => {
  it('matches Node\'s BlockList for IPv4 and IPv6 (property)', () => {
    const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
    const v6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((g) => g.map((x) => x.toString(16)).join(':'));
    const nearby = (ip: string, prefix: number, family: 4 | 6) => ({ ip, prefix, family });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(v4, fc.integer({ min: 0, max: 32 }), v4).map(([n, p, a]) => ({ ...nearby(n, p, 4), addr: a })),
          fc.tuple(v4, fc.integer({ min: 0, max: 32 })).map(([n, p]) => ({ ...nearby(n, p, 4), addr: n })),
          fc.tuple(v6, fc.integer({ min: 0, max: 128 }), v6).map(([n, p, a]) => ({ ...nearby(n, p, 6), addr: a })),
          fc.tuple(v6, fc.integer({ min: 0, max: 128 })).map(([n, p]) => ({ ...nearby(n, p, 6), addr: n })),
        ),
        ({ ip, prefix, family, addr }) => {
          const bl = new BlockList();
          bl.addSubnet(ip, prefix, family === 4 ? 'ipv4' : 'ipv6');
          expect(ipInCidr(addr, `${ip}/${prefix}`)).toBe(bl.check(addr, family === 4 ? 'ipv4' : 'ipv6'));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('parses and formats', () => {
    expect(formatCidr(parseCidr('10.0.0.5/24')!)).toBe('10.0.0.0/24');
    expect(formatCidr(parseCidr('2001:DB8::1/64')!)).toBe('2001:db8::/64');
    expect(parseCidr('10.0.0.0/33')).toBeNull();
    expect(ipInCidr('10.0.0.5', 'fd00::/8')).toBe(false);
    expect(ipInCidr('::ffff:10.0.0.5', '::ffff:10.0.0.0/120')).toBe(true);
  });
});

describe('planAllowEgress', () => {
  it("plans the guide's policy, labelled, with DNS when it is the first egress restriction", () => {
    const w = planAllowEgress({ namespace: 'demo', ip: '10.0.0.5', port: 443, registryId: 'harbor.example.com', name: 'allow-harbor' });
    expect(w).toEqual({
      action: 'create',
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      namespace: 'demo',
      name: 'allow-harbor',
      body: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'allow-harbor', namespace: 'demo', labels: { 'app.kubernetes.io/managed-by': 'harbor-connect', 'harbor-connect.kubesphere.io/registry': 'harbor.example.com' } },
        spec: {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            { to: [{ ipBlock: { cidr: '10.0.0.5/32' } }], ports: [{ protocol: 'TCP', port: 443 }] },
            { ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
          ],
        },
      },
      reason: { key: 'HARBOR_CONNECT_NETPOL_REASON_ALLOW_EGRESS_DNS', params: { cidr: '10.0.0.5/32', port: 443, namespace: 'demo' } },
      effects: ['isolates-egress'],
    });
    // What it allows, checked with the evaluator: the registry and DNS (e.g. nodelocaldns), nothing else.
    const policy = w.body as unknown as NetworkPolicy;
    expect(evaluateEgress({ policies: [policy], podLabels: { any: 'pod' }, destination: HARBOR }).allowed).toBe(true);
    expect(evaluateEgress({ policies: [policy], podLabels: {}, destination: { ip: '169.254.25.10', port: 53, protocol: 'UDP' } }).allowed).toBe(true);
    expect(evaluateEgress({ policies: [policy], podLabels: {}, destination: { ip: '1.1.1.1', port: 443 } }).allowed).toBe(false);
  });

  it('adds only the registry rule when egress is already restricted', () => {
    const w = planAllowEgress({ namespace: 'demo', cidr: '2001:db8::10/128', port: 8443, registryId: 'harbor', existingPolicies: [DENY_ALL_EGRESS] });
    expect(w.effects).toBeUndefined();
    expect(w.name).toBe('allow-registry-harbor');
    expect((w.body as { spec: { egress: unknown[] } }).spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '2001:db8::10/128' } }], ports: [{ protocol: 'TCP', port: 8443 }] }]);
    const kd = planAllowEgress({ namespace: 'demo', ip: '[2001:db8::10]', port: 443, registryId: 'h', dns: 'kube-dns' });
    expect((kd.body as { spec: { egress: Array<{ to?: unknown }> } }).spec.egress[1].to).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
    ]);
    expect(() => planAllowEgress({ namespace: 'demo', ip: 'harbor.example.com', port: 443, registryId: 'h' })).toThrow(NetpolPlanError);
    expect(() => planAllowEgress({ namespace: 'demo', ip: '10.0.0.5', port: 0, registryId: 'h' })).toThrow(NetpolPlanError);
  });

  it('the planned policy always allows its destination (property)', () => {
    const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
    fc.assert(
      fc.property(v4, fc.integer({ min: 1, max: 65535 }), fc.constantFrom<'auto' | 'any' | 'kube-dns' | 'none'>('auto', 'any', 'kube-dns', 'none'), (ip, port, dns) => {
        const w = planAllowEgress({ namespace: 'demo', ip, port, registryId: 'r', dns, existingPolicies: [DENY_ALL_EGRESS] });
        const r = evaluateEgress({ policies: [DENY_ALL_EGRESS, w.body as unknown as NetworkPolicy], podLabels: { a: 'b' }, destination: { ip, port } });
        expect(r.allowed).toBe(true);
      }),
    );
  });
});
