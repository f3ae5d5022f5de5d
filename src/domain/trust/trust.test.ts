import type { DaemonSet } from 'kubernetes-types/apps/v1';
import type { ConfigMap, Node, Pod } from 'kubernetes-types/core/v1';
import { DaemonSet as DaemonSetModel } from 'kubernetes-models/apps/v1';
import { ConfigMap as ConfigMapModel, Pod as PodModel } from 'kubernetes-models/v1';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { caFileSha256, sha256Hex } from '../record';
import { isPublicRegistryHost } from '../registry';
import {
  buildInstallerDaemonSet,
  DEFAULT_INSTALLER_IMAGE,
  INSTALLER_SCRIPT,
  isPinnedImage,
  clusterRuntimes,
  containerdHostsToml,
  installerRolledOut,
  manualTrustInstructions,
  nodeRuntime,
  nodeTrustStatus,
  planTrustInstaller,
  planTrustRemoval,
  registryHost,
  type TrustInstallerInput,
} from './index';

// Real (EC P-256, self-signed) CA certificates: what is written to nodes is only what parses as certificates.
const CA = readFileSync(join(__dirname, '__fixtures__', 'ca.pem'), 'utf8');
const CA2 = readFileSync(join(__dirname, '__fixtures__', 'ca2.pem'), 'utf8');

function node(name: string, crv: string, extra: { kubelet?: string; labels?: Record<string, string>; annotations?: Record<string, string>; taints?: Node['spec'] extends infer S ? S extends { taints?: infer T } ? T : never : never; ready?: boolean; unschedulable?: boolean } = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/os': 'linux', ...(extra.labels ?? {}) }, annotations: extra.annotations },
    spec: { taints: extra.taints, unschedulable: extra.unschedulable },
    status: {
      nodeInfo: { containerRuntimeVersion: crv, kubeletVersion: extra.kubelet ?? 'v1.28.4' } as never,
      conditions: [{ type: 'Ready', status: extra.ready === false ? 'False' : 'True' }],
    },
  };
}

describe('nodeRuntime', () => {
  it('reads the runtime from containerRuntimeVersion', () => {
    expect(nodeRuntime(node('a', 'containerd://1.6.20'))).toEqual({ runtime: 'containerd', version: '1.6.20', engineVersion: '' });
    expect(nodeRuntime(node('a', 'docker://24.0.7')).runtime).toBe('docker');
    expect(nodeRuntime(node('a', 'cri-o://1.28.1')).runtime).toBe('cri-o');
    expect(nodeRuntime(node('a', 'rkt://1.0')).runtime).toBe('unknown');
    expect(nodeRuntime({ metadata: { name: 'x' } }).runtime).toBe('unknown');
  });
  it('detects k3s and RKE2 from the kubelet version, labels or annotations', () => {
    expect(nodeRuntime(node('a', 'containerd://1.7.7-k3s1', { kubelet: 'v1.28.4+k3s2' }))).toEqual({ runtime: 'k3s', version: 'v1.28.4+k3s2', engineVersion: '1.7.7-k3s1' });
    expect(nodeRuntime(node('a', 'containerd://1.7.7-k3s1', { kubelet: 'v1.28.4+rke2r1' })).runtime).toBe('rke2');
    expect(nodeRuntime(node('a', 'containerd://1.7.7', { labels: { 'node.kubernetes.io/instance-type': 'k3s' } })).runtime).toBe('k3s');
    expect(nodeRuntime(node('a', 'containerd://1.7.7', { annotations: { 'rke2.io/node-args': '[]', 'k3s.io/node-args': '[]' } })).runtime).toBe('rke2');
    expect(nodeRuntime(node('a', 'containerd://1.7.7', { annotations: { 'k3s.io/hostname': 'a' } })).runtime).toBe('k3s');
    // k3s --docker pulls with Docker, which reads /etc/docker/certs.d.
    expect(nodeRuntime(node('a', 'docker://20.10', { kubelet: 'v1.28.4+k3s2' })).runtime).toBe('docker');
  });
  it('lists a cluster’s runtimes once each', () => {
    expect(clusterRuntimes([node('a', 'docker://1'), node('b', 'containerd://1.7.0'), node('c', 'containerd://2.0.0')])).toEqual(['containerd', 'docker']);
  });
});

describe('registryHost', () => {
  it('drops :443 and keeps other ports, IPv6 in brackets', () => {
    expect(registryHost('harbor.example.com:443').hostDir).toBe('harbor.example.com');
    expect(registryHost('harbor.example.com').hostDir).toBe('harbor.example.com');
    expect(registryHost('Harbor.Example.com:5443')).toMatchObject({ hostDir: 'harbor.example.com:5443', serverUrl: 'https://harbor.example.com:5443', port: 5443 });
    expect(registryHost('[fd00::1]:5443')).toMatchObject({ host: 'fd00::1', ipv6: true, hostDir: '[fd00::1]:5443' });
    expect(registryHost('[fd00::1]:443').hostDir).toBe('[fd00::1]');
    expect(registryHost('https://10.0.0.5:8443/').hostDir).toBe('10.0.0.5:8443');
    expect(() => registryHost('bad host;rm -rf /')).toThrow();
    expect(() => registryHost('h:99999')).toThrow();
  });
});

describe('manualTrustInstructions', () => {
  it('port 5443: containerd hosts.toml + ca.crt under host:port, config_path snippets, no restart', () => {
    const m = manualTrustInstructions({ hostPort: 'harbor.example.com:5443', caPem: CA, runtimes: [{ runtime: 'containerd', version: '1.6.20', engineVersion: '' }], nodeNames: ['node-1', 'node-2'] });
    expect(m.hostDir).toBe('harbor.example.com:5443');
    const c = m.instructions.find((i) => i.runtime === 'containerd')!;
    expect(c.files.map((f) => f.path)).toEqual(['/etc/containerd/certs.d/harbor.example.com:5443/ca.crt', '/etc/containerd/certs.d/harbor.example.com:5443/hosts.toml']);
    expect(c.files[1].content).toBe('server = "https://harbor.example.com:5443"\nca = "ca.crt"\n\n[host."https://harbor.example.com:5443"]\n  capabilities = ["pull", "resolve"]\n  ca = "ca.crt"\n');
    expect(c.restart).toBeUndefined();
    expect(c.snippets.map((s) => s.content)).toEqual(['[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n']);
    expect(c.allNodesSnippet).toContain('for node in node-1 node-2; do');
    expect(c.notes.map((n) => n.key)).toContain('HARBOR_CONNECT_TRUST_MANUAL_NOTE_CONTAINERD_CONFIG_PATH');
  });

  it('port 443: folder without the port; containerd 2.x gets the 2.x config section', () => {
    const m = manualTrustInstructions({ hostPort: 'harbor.example.com:443', caPem: CA, runtimes: [{ runtime: 'containerd', version: '2.0.1', engineVersion: '' }, 'docker', 'cri-o'] });
    expect(m.hostDir).toBe('harbor.example.com');
    const paths = m.instructions.flatMap((i) => i.files.map((f) => f.path));
    expect(paths).toEqual([
      '/etc/containerd/certs.d/harbor.example.com/ca.crt',
      '/etc/containerd/certs.d/harbor.example.com/hosts.toml',
      '/etc/docker/certs.d/harbor.example.com/ca.crt',
      '/etc/containers/certs.d/harbor.example.com/ca.crt',
    ]);
    expect(m.instructions[0].snippets.map((s) => s.content)).toEqual(['[plugins."io.containerd.cri.v1.images".registry]\n  config_path = "/etc/containerd/certs.d"\n']);
    expect(m.notes.map((n) => n.key)).toContain('HARBOR_CONNECT_TRUST_MANUAL_NOTE_PORT_443');
  });

  it('IPv6: bracketed folder, quoted in every command', () => {
    const m = manualTrustInstructions({ hostPort: '[fd00::10]:5443', caPem: CA, runtimes: ['docker'] });
    const d = m.instructions[0];
    expect(d.files[0].path).toBe('/etc/docker/certs.d/[fd00::10]:5443/ca.crt');
    expect(d.nodeScript).toContain("mkdir -p '/etc/docker/certs.d/[fd00::10]:5443'");
    expect(d.nodeScript).toContain("cat > '/etc/docker/certs.d/[fd00::10]:5443/ca.crt' <<'HC_EOF'");
  });

  it('k3s / RKE2: registries.yaml with tls.ca_file and a restart', () => {
    const m = manualTrustInstructions({ hostPort: 'harbor.example.com:8443', caPem: CA, runtimes: ['k3s', 'rke2'] });
    const k3s = m.instructions.find((i) => i.runtime === 'k3s')!;
    const yaml = parseYaml(k3s.files[1].content);
    expect(k3s.files[1].path).toBe('/etc/rancher/k3s/registries.yaml');
    expect(yaml).toEqual({ configs: { 'harbor.example.com:8443': { tls: { ca_file: '/etc/rancher/k3s/certs.d/harbor.example.com:8443/ca.crt' } } } });
    expect(k3s.restart).toContain('systemctl restart k3s');
    const rke2 = m.instructions.find((i) => i.runtime === 'rke2')!;
    expect(rke2.files[1].path).toBe('/etc/rancher/rke2/registries.yaml');
    expect(rke2.restart).toContain('rke2-server');
    expect(rke2.restart).toContain('rke2-agent');
    expect(rke2.allNodesSnippet).toContain('systemctl');
  });
});

describe('manual node scripts, executed', async () => {
  const { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { spawnSync } = await import('node:child_process');
  const { tmpdir } = await import('node:os');

  it('emit only the certificates, re-encoded: no text of the uploaded file can end a heredoc and run', () => {
    const root = mkdtempSync(join(tmpdir(), 'hc-manual-'));
    const pwned = join(root, 'pwned');
    try {
      // An uploaded "CA file" with text around and between the PEM blocks, a heredoc delimiter and commands.
      const evil = `# CA bundle\nHC_EOF\ntouch ${pwned}\nHC_SCRIPT\ntouch ${pwned}\n${CA}Proc-Type: x\nHC_EOF\n$(touch ${pwned})\n${CA2}\nHC_EOF\ntouch ${pwned}\n`;
      const m = manualTrustInstructions({ hostPort: 'harbor.example.com:8443', caPem: evil, runtimes: ['containerd', 'docker', 'k3s'] });
      const everything = JSON.stringify(m);
      expect(everything).not.toContain('touch');
      expect(everything).not.toContain('Proc-Type');
      for (const ins of m.instructions) {
        const ca = ins.files.find((f) => f.path.endsWith('/ca.crt'))!;
        expect(ca.content).toBe(`${CA.trim()}\n${CA2.trim()}\n`);
        for (const script of [ins.nodeScript, ins.allNodesSnippet]) {
          const run = script.replace(/(['\s])\/etc\//g, `$1${root}/etc/`).replace(/ssh "root@\$node" /g, '').replace(/\/tmp\/harbor-connect-trust-/g, `${root}/trust-`);
          writeFileSync(join(root, 'run.sh'), run);
          spawnSync('sh', [join(root, 'run.sh')], { encoding: 'utf8' });
          expect(existsSync(pwned), `${ins.runtime}: injected command ran`).toBe(false);
        }
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuse a CA file holding a private key or nothing that parses', () => {
    const key = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n';
    expect(() => manualTrustInstructions({ hostPort: 'h.example.com', caPem: `${CA}${key}`, runtimes: ['docker'] })).toThrow(/private-key/);
    expect(() => manualTrustInstructions({ hostPort: 'h.example.com', caPem: '-----BEGIN CERTIFICATE-----\nMIIBone\n-----END CERTIFICATE-----\n', runtimes: ['docker'] })).toThrow(/not-a-certificate/);
    expect(() => manualTrustInstructions({ hostPort: 'h.example.com', caPem: 'HC_EOF\nrm -rf /\n', runtimes: ['docker'] })).toThrow(/not-a-certificate/);
  });

  it('write exactly the files listed (run with / re-rooted to a temp dir)', () => {
    const root = mkdtempSync(join(tmpdir(), 'hc-manual-'));
    try {
      const m = manualTrustInstructions({ hostPort: '[fd00::10]:5443', caPem: CA, runtimes: ['containerd', 'docker', 'k3s'] });
      expect(parseYaml(m.instructions[2].files[1].content).configs['[fd00::10]:5443'].tls.ca_file).toBe('/etc/rancher/k3s/certs.d/[fd00::10]:5443/ca.crt');
      for (const ins of m.instructions) {
        // Re-root the absolute paths so the script can run here unprivileged.
        const script = ins.nodeScript.replace(/(['\s])\/etc\//g, `$1${root}/etc/`);
        writeFileSync(join(root, 'run.sh'), script);
        const r = spawnSync('sh', [join(root, 'run.sh')], { encoding: 'utf8' });
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        for (const f of ins.files) expect(readFileSync(join(root, f.path), 'utf8').split(root).join('')).toBe(f.content);
        // Idempotent: a second run succeeds (registries.yaml already names the host).
        expect(spawnSync('sh', [join(root, 'run.sh')], { encoding: 'utf8' }).status).toBe(0);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
  it('k3s: never overwrites an existing registries.yaml that lacks the host; says what to add', () => {
    const root = mkdtempSync(join(tmpdir(), 'hc-manual-'));
    try {
      const m = manualTrustInstructions({ hostPort: 'harbor.example.com:8443', caPem: CA, runtimes: ['k3s'] });
      const script = m.instructions[0].nodeScript.replace(/(['\s])\/etc\//g, `$1${root}/etc/`);
      writeFileSync(join(root, 'run.sh'), script);
      mkdirSync(join(root, 'etc/rancher/k3s'), { recursive: true });
      writeFileSync(join(root, 'etc/rancher/k3s/registries.yaml'), 'mirrors:\n  docker.io:\n    endpoint: ["https://mirror"]\n');
      const r = spawnSync('sh', [join(root, 'run.sh')], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('"harbor.example.com:8443":');
      expect(r.stderr).toContain('ca_file: "/etc/rancher/k3s/certs.d/harbor.example.com:8443/ca.crt"');
      expect(readFileSync(join(root, 'etc/rancher/k3s/registries.yaml'), 'utf8')).toContain('mirrors:');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

const base: TrustInstallerInput = {
  registryId: 'harbor-example-com-8443',
  hostPort: 'harbor.example.com:8443',
  namespace: 'extension-harbor-connect',
  caSecretName: 'hc-registry-harbor-example-com-8443',
  caPem: CA,
  runtimes: ['containerd', 'k3s'],
};

function applied<T extends { metadata?: object }>(body: Record<string, unknown> | undefined, rv = '1'): T {
  const b = JSON.parse(JSON.stringify(body)) as T & { metadata: Record<string, unknown> };
  b.metadata = { ...b.metadata, resourceVersion: rv, uid: `uid-${String(b.metadata.name)}`, generation: 1 };
  return b;
}

describe('planTrustInstaller', () => {
  it('a ConfigMap and a DaemonSet, valid per the Kubernetes schemas', () => {
    const writes = planTrustInstaller(base);
    expect(writes.map((w) => [w.action, w.kind, w.name])).toEqual([
      ['create', 'ConfigMap', 'hc-trust-harbor-example-com-8443'],
      ['create', 'DaemonSet', 'hc-trust-harbor-example-com-8443'],
    ]);
    expect(() => new ConfigMapModel(writes[0].body as never).validate()).not.toThrow();
    expect(() => new DaemonSetModel(writes[1].body as never).validate()).not.toThrow();
    const cm = writes[0].body as ConfigMap;
    expect(cm.data?.['hosts.toml']).toBe(containerdHostsToml(registryHost('harbor.example.com:8443')));
    expect(cm.data?.['install.sh']).toMatch(/^#!\/bin\/sh/);
  });

  it('a pod template that is small, unprivileged, pinned, and mounts only the registry\'s own folder per runtime', () => {
    const ds = buildInstallerDaemonSet({ ...base, runtimes: ['containerd', 'cri-o'] });
    const tpl = ds.spec!.template;
    const pod = tpl.spec!;
    const c = pod.containers[0];
    expect(ds.metadata?.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'harbor-connect', 'harbor-connect.kubesphere.io/registry': 'harbor-example-com-8443' });
    expect(tpl.metadata?.annotations?.['harbor-connect.kubesphere.io/ca-sha256']).toBe(caFileSha256(CA));
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.priorityClassName).toBeUndefined();
    expect(c.image).toBe(DEFAULT_INSTALLER_IMAGE);
    expect(c.image).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(c.resources).toEqual({ requests: { cpu: '5m', memory: '8Mi' }, limits: { cpu: '50m', memory: '32Mi' } });
    expect(c.securityContext).toMatchObject({ runAsUser: 0, privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(c.securityContext?.capabilities?.add).toBeUndefined();
    expect(c.readinessProbe?.exec?.command).toEqual(['test', '-f', '/tmp/ready']);
    const hostPaths = pod.volumes!.filter((v) => v.hostPath).map((v) => v.hostPath);
    // Only <certs.d>/<host:port>, never the whole certs.d (other registries' trust) or anything else of the node.
    expect(hostPaths).toEqual([
      { path: '/etc/containerd/certs.d/harbor.example.com:8443', type: 'DirectoryOrCreate' },
      { path: '/etc/containers/certs.d/harbor.example.com:8443', type: 'DirectoryOrCreate' },
    ]);
    // hostPath mounted at the node's own path.
    expect(c.volumeMounts?.filter((m) => m.mountPath.startsWith('/etc/')).map((m) => m.mountPath)).toEqual([
      '/etc/containerd/certs.d/harbor.example.com:8443',
      '/etc/containers/certs.d/harbor.example.com:8443',
    ]);
    // What it writes is pinned in the spec: the CA and hosts.toml by sha256, the script by sha256 before it runs.
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
    expect(env.HC_CA_SHA256).toBe(caFileSha256(CA));
    expect(env.HC_HOSTS_SHA256).toBe(sha256Hex(containerdHostsToml(registryHost('harbor.example.com:8443'))));
    expect(c.command?.[0]).toBe('sh');
    expect(c.command?.[2]).toContain(sha256Hex(INSTALLER_SCRIPT));
    expect(pod.volumes!.find((v) => v.name === 'ca')?.secret).toMatchObject({ secretName: 'hc-registry-harbor-example-com-8443', optional: true, items: [{ key: 'ca.crt', path: 'ca.crt' }] });
    expect(c.env?.find((e) => e.name === 'HC_TARGETS')?.value).toBe('containerd=/etc/containerd/certs.d cri-o=/etc/containers/certs.d');
  });

  it('is idempotent: applied objects plan no write; a CA rotation replaces the DaemonSet only', () => {
    const first = planTrustInstaller(base);
    const existing = { configMap: applied<ConfigMap>(first[0].body), daemonSet: applied<DaemonSet>(first[1].body) };
    // Server-side additions (defaults, controller annotations, status) do not count as changes.
    (existing.daemonSet.metadata as Record<string, unknown>).annotations = { ...existing.daemonSet.metadata?.annotations, 'deprecated.daemonset.template.generation': '1' };
    (existing.daemonSet.spec as unknown as Record<string, unknown>).revisionHistoryLimit = 10;
    expect(planTrustInstaller({ ...base, existing })).toEqual([]);
    const rotated = planTrustInstaller({ ...base, caPem: CA2, existing });
    expect(rotated.map((w) => [w.action, w.kind])).toEqual([['replace', 'DaemonSet']]);
    const body = rotated[0].body as DaemonSet;
    expect(body.metadata?.resourceVersion).toBe('1');
    expect(body.metadata?.annotations?.['deprecated.daemonset.template.generation']).toBe('1');
    expect(body.spec?.template.metadata?.annotations?.['harbor-connect.kubesphere.io/ca-sha256']).toBe(caFileSha256(CA2));
    expect(rotated[0].effects).toEqual(['rolls-workload']);
  });

  it('refuses a public registry: no hosts.toml for docker.io (or quay.io, regional gcr.io) on every node', () => {
    for (const hostPort of ['docker.io', 'registry-1.docker.io', 'quay.io', 'us.gcr.io', 'europe-docker.pkg.dev', 'ghcr.io:443']) {
      expect(() => planTrustInstaller({ ...base, hostPort }), hostPort).toThrow(/public registries/);
    }
    expect(isPublicRegistryHost('harbor.docker.internal')).toBe(false);
    expect(isPublicRegistryHost('Docker.IO.')).toBe(true);
    // Removal still works for whatever was installed before.
    expect(() => planTrustRemoval({ registryId: 'x', namespace: base.namespace, rebuild: { hostPort: 'docker.io', caSecretName: 'c', caPem: '', runtimes: ['containerd'] } })).not.toThrow();
  });

  it('tells an image pinned by digest from a tag', () => {
    expect(isPinnedImage('busybox:1.36')).toBe(false);
    expect(isPinnedImage(`registry.local:5000/library/busybox@sha256:${'a'.repeat(64)}`)).toBe(true);
    expect(isPinnedImage(DEFAULT_INSTALLER_IMAGE)).toBe(true);
    expect(isPinnedImage(`busybox@sha256:${'a'.repeat(63)}`)).toBe(false);
  });

  it('refuses runtimes it cannot handle alone', () => {
    expect(() => planTrustInstaller({ ...base, runtimes: ['k3s'] })).toThrow(/no node runtime/);
  });
});

describe('planTrustRemoval', () => {
  const first = planTrustInstaller(base);
  const existing = { configMap: applied<ConfigMap>(first[0].body), daemonSet: applied<DaemonSet>(first[1].body, '5') };

  it('phase 1 switches the running installer to remove mode, phase 2 deletes', () => {
    const plan = planTrustRemoval({ registryId: base.registryId, namespace: base.namespace, existing });
    const [p1, p2] = plan.phases;
    expect(p1.writes.map((w) => [w.action, w.kind])).toEqual([['replace', 'DaemonSet']]);
    const ds = p1.writes[0].body as DaemonSet;
    expect(ds.metadata?.resourceVersion).toBe('5');
    expect(ds.spec?.template.spec?.containers[0].env?.find((e) => e.name === 'HC_MODE')?.value).toBe('remove');
    expect(ds.spec?.template.spec?.containers[0].env?.filter((e) => e.name === 'HC_MODE')).toHaveLength(1);
    expect(ds.spec?.template.metadata?.annotations?.['harbor-connect.kubesphere.io/installer-mode']).toBe('remove');
    // Same folders as install mode, one level up: it cleans exactly where it wrote, and can remove the folder itself.
    expect(ds.spec?.template.spec?.volumes?.filter((v) => v.hostPath).map((v) => v.hostPath?.path)).toEqual(['/etc/containerd/certs.d']);
    expect(ds.spec?.template.spec?.containers[0].volumeMounts?.filter((m) => m.mountPath.startsWith('/etc/')).map((m) => m.mountPath)).toEqual(['/etc/containerd/certs.d']);
    expect(ds.spec?.template.spec?.volumes?.filter((v) => !v.hostPath)).toEqual(existing.daemonSet.spec?.template.spec?.volumes?.filter((v) => !v.hostPath));
    expect(p1.waitFor).toEqual({ kind: 'daemonset-ready', namespace: base.namespace, name: 'hc-trust-harbor-example-com-8443', mode: 'remove', timeoutSeconds: 300 });
    expect(p2.writes.map((w) => [w.action, w.kind])).toEqual([
      ['delete', 'DaemonSet'],
      ['delete', 'ConfigMap'],
    ]);
    // Deletes only the objects read: the DaemonSet by uid (phase 1 rewrites it), the ConfigMap by uid and version.
    expect(p2.writes[0].preconditions).toEqual({ uid: 'uid-hc-trust-harbor-example-com-8443' });
    expect(p2.writes[1].preconditions).toEqual({ uid: 'uid-hc-trust-harbor-example-com-8443', resourceVersion: '1' });
    expect(() => new DaemonSetModel(ds as never).validate()).not.toThrow();
  });

  it('phase 1 is empty when already in remove mode; rebuilds when the DaemonSet is gone', () => {
    const removing = { ...existing, daemonSet: applied<DaemonSet>(planTrustRemoval({ registryId: base.registryId, namespace: base.namespace, existing }).phases[0].writes[0].body) };
    expect(planTrustRemoval({ registryId: base.registryId, namespace: base.namespace, existing: removing }).phases[0].writes).toEqual([]);
    const rebuilt = planTrustRemoval({ registryId: base.registryId, namespace: base.namespace, rebuild: { hostPort: base.hostPort, caSecretName: base.caSecretName, caPem: '', runtimes: ['containerd'] } });
    expect(rebuilt.phases[0].writes.map((w) => [w.action, w.kind])).toEqual([
      ['create', 'ConfigMap'],
      ['create', 'DaemonSet'],
    ]);
    expect(planTrustRemoval({ registryId: base.registryId, namespace: base.namespace }).phases).toEqual([{ writes: [] }, { writes: [] }]);
  });

  it('installerRolledOut waits for every pod ready in remove mode', () => {
    const ds = applied<DaemonSet>(planTrustRemoval({ registryId: base.registryId, namespace: base.namespace, existing }).phases[0].writes[0].body);
    (ds as Record<string, unknown>).status = { observedGeneration: 1, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberReady: 2 };
    const pod = (n: string, mode: string, ready: boolean): Pod => ({
      metadata: { name: n, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'x', uid: ds.metadata!.uid! }], annotations: { 'harbor-connect.kubesphere.io/installer-mode': mode } },
      spec: { nodeName: n, containers: [] },
      status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
    });
    expect(installerRolledOut({ daemonSet: ds, pods: [pod('a', 'remove', true), pod('b', 'install', true)], mode: 'remove' })).toBe(false);
    expect(installerRolledOut({ daemonSet: ds, pods: [pod('a', 'remove', true), pod('b', 'remove', false)], mode: 'remove' })).toBe(false);
    expect(installerRolledOut({ daemonSet: ds, pods: [pod('a', 'remove', true), pod('b', 'remove', true)], mode: 'remove' })).toBe(true);
  });
});

describe('nodeTrustStatus', () => {
  const ds = applied<DaemonSet>(planTrustInstaller(base)[1].body);
  const caSha = caFileSha256(CA);
  const pod = (nodeName: string, status: Pod['status'], ann: Record<string, string> = {}): Pod => {
    const p: Pod = {
      metadata: {
        name: `hc-trust-x-${nodeName}`,
        creationTimestamp: '2024-01-01T00:00:00Z',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'hc-trust-x', uid: ds.metadata!.uid! }],
        annotations: { 'harbor-connect.kubesphere.io/ca-sha256': caSha, 'harbor-connect.kubesphere.io/installer-mode': 'install', ...ann },
      },
      spec: { nodeName, containers: [{ name: 'installer', image: 'busybox:1.36' }] },
      status,
    };
    expect(() => new PodModel(p as never).validate()).not.toThrow();
    return p;
  };
  const ready = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } as Pod['status'];

  it('tells trusted, pending, failed, not covered and manual nodes apart', () => {
    const nodes = [
      node('ok', 'containerd://1.6.20'),
      node('old', 'containerd://1.6.20'),
      node('tainted', 'containerd://1.6.20', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
      node('down', 'containerd://1.6.20', { ready: false }),
      node('img', 'containerd://1.6.20'),
      node('crash', 'docker://24.0.7'),
      node('k3s', 'containerd://1.7.7-k3s1', { kubelet: 'v1.28.4+k3s1' }),
      node('win', 'containerd://1.7.0', { labels: { 'kubernetes.io/os': 'windows' } }),
      node('starting', 'cri-o://1.28'),
      node('cordoned', 'containerd://1.6.20', { unschedulable: true }),
    ];
    // A DaemonSet an admin edited to tolerate less, so taints can block it.
    const strict = JSON.parse(JSON.stringify(ds)) as DaemonSet;
    strict.spec!.template.spec!.tolerations = [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }];
    const pods = [
      pod('ok', ready),
      pod('old', ready, { 'harbor-connect.kubesphere.io/ca-sha256': 'f'.repeat(64) }),
      pod('img', { phase: 'Pending', containerStatuses: [{ name: 'installer', image: 'busybox:1.36', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "busybox:1.36"' } } }] }),
      pod('crash', {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'False' }],
        containerStatuses: [
          {
            name: 'installer', image: 'busybox:1.36', imageID: 'x', ready: false, restartCount: 3,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', message: 'HC_ERROR FOREIGN_FILE: /etc/docker/certs.d/h/ca.crt exists with other content\n' } },
          },
        ],
      }),
      pod('starting', { phase: 'Pending', containerStatuses: [{ name: 'installer', image: 'busybox:1.36', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] }),
    ];
    const { nodes: st, summary } = nodeTrustStatus({ nodes, daemonSet: strict, pods, caPem: CA, trustMode: 'automatic' });
    const by = Object.fromEntries(st.map((s) => [s.node, s]));
    expect(by.ok).toMatchObject({ state: 'trusted', reason: 'installed', reasonKey: 'HARBOR_CONNECT_TRUST_REASON_INSTALLED' });
    expect(by.old).toMatchObject({ state: 'pending', reason: 'old-ca' });
    expect(by.tainted).toMatchObject({ state: 'not-covered', reason: 'taint', detail: 'dedicated=gpu:NoSchedule' });
    expect(by.down).toMatchObject({ state: 'not-covered', reason: 'node-not-ready' });
    expect(by.img).toMatchObject({ state: 'failed', reason: 'installer-image' });
    expect(by.img.detail).toContain('ImagePullBackOff');
    expect(by.crash).toMatchObject({ state: 'failed', reason: 'foreign-file' });
    expect(by.crash.detail).toContain('/etc/docker/certs.d/h/ca.crt');
    expect(by.k3s).toMatchObject({ state: 'manual-unknown', reason: 'runtime-manual' });
    expect(by.win).toMatchObject({ state: 'not-covered', reason: 'os' });
    expect(by.starting).toMatchObject({ state: 'pending', reason: 'starting' });
    expect(by.cordoned).toMatchObject({ state: 'not-covered', reason: 'unschedulable' });
    expect(summary.text).toBe('1/10');
    expect(summary.counts).toEqual({ trusted: 1, pending: 2, failed: 2, 'not-covered': 4, 'manual-unknown': 1 });
  });

  it('with the default tolerations, taints do not block; a NoExecute taint on a node without a pod is not blamed', () => {
    const nodes = [node('t', 'containerd://1.6.20', { taints: [{ key: 'x', effect: 'NoExecute' }] })];
    expect(nodeTrustStatus({ nodes, daemonSet: ds, pods: [], caPem: CA }).nodes[0]).toMatchObject({ state: 'not-covered', reason: 'no-pod' });
  });

  it('manual mode, no trust needed, and no installer', () => {
    const nodes = [node('a', 'containerd://1.6.20')];
    expect(nodeTrustStatus({ nodes, pods: [], trustMode: 'manual' }).nodes[0]).toMatchObject({ state: 'manual-unknown', reason: 'manual-mode' });
    expect(nodeTrustStatus({ nodes, pods: [], trustMode: 'none' }).nodes[0]).toMatchObject({ state: 'manual-unknown', reason: 'system-trust' });
    expect(nodeTrustStatus({ nodes, pods: [], trustMode: 'automatic' }).nodes[0]).toMatchObject({ state: 'not-covered', reason: 'no-installer' });
  });

  it('prefers the live pod over a terminating one during a roll', () => {
    const nodes = [node('a', 'containerd://1.6.20')];
    const old0 = pod('a', ready, { 'harbor-connect.kubesphere.io/ca-sha256': 'old' });
    const old: Pod = { ...old0, metadata: { ...old0.metadata, deletionTimestamp: '2024-01-02T00:00:00Z' } };
    const fresh0 = pod('a', { phase: 'Pending' });
    const fresh: Pod = { ...fresh0, metadata: { ...fresh0.metadata, creationTimestamp: '2024-01-02T00:00:00Z' } };
    expect(nodeTrustStatus({ nodes, daemonSet: ds, pods: [old, fresh], caPem: CA }).nodes[0]).toMatchObject({ state: 'pending', reason: 'starting' });
  });
});
