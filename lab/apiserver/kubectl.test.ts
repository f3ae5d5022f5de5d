// The stand-in held against the real kubectl: each command must behave and print as against a real cluster.
// kubectl sends a kubeconfig's token only over TLS, so it talks to the HTTPS listener with the lab CA.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from './src/server';

const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const haveKubectl = fs.existsSync(KUBECTL);

let server: ApiServer;
let tmp: string;
let env: NodeJS.ProcessEnv;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function kubectl(args: string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(
      KUBECTL,
      ['--request-timeout=10s', `--cache-dir=${path.join(tmp, 'cache')}`, ...args],
      { env, timeout: opts.timeoutMs ?? 20_000, maxBuffer: 4 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0;
        resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

async function api(method: string, p: string, body?: unknown) {
  const res = await fetch(server.url + p, {
    method,
    headers: { Authorization: `Bearer ${server.systemToken}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json() as Promise<any>;
}

describe.skipIf(!haveKubectl)('real kubectl against the stand-in', () => {
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hc-kubectl-'));
    server = await startApiServer({ port: 0, tlsPort: 0, labDir: path.join(tmp, 'lab'), repoRoot: process.cwd(), verbose: false });
    // HOME too, so kubectl writes nothing under the real ~/.kube.
    env = { PATH: process.env.PATH, HOME: tmp, KUBECONFIG: server.kubeconfigPath };
  });

  afterAll(async () => {
    await server?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('writes a kubeconfig for the lab controller over HTTPS', () => {
    expect(server.tlsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const text = fs.readFileSync(server.kubeconfigPath!, 'utf8');
    expect(text).toContain(`server: ${server.tlsUrl}`);
    expect(fs.statSync(server.kubeconfigPath!).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(tmp, 'lab', 'apiserver', 'system-token')).mode & 0o777).toBe(0o600);
  });

  it('get namespaces', async () => {
    const r = await kubectl(['get', 'namespaces']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+STATUS\s+AGE$/);
    const names = lines.slice(1).map((l) => l.split(/\s+/)[0]);
    expect(names).toEqual(expect.arrayContaining(['default', 'demo', 'demo-2', 'other', 'kube-system', 'kubesphere-system', 'extension-harbor-connect']));
    expect(lines.find((l) => l.startsWith('demo ')))?.toMatch(/^demo\s+Active\s+\d+s$/);
  });

  it('create secret docker-registry, then get it as JSON', async () => {
    const created = await kubectl([
      'create',
      'secret',
      'docker-registry',
      'regcred',
      '--docker-server=127.0.0.1:5443',
      '--docker-username=robot$demo+ci',
      '--docker-password=s3cret',
      '-n',
      'demo',
    ]);
    expect(created).toMatchObject({ code: 0, stdout: 'secret/regcred created\n', stderr: '' });
    const again = await kubectl(['create', 'secret', 'docker-registry', 'regcred', '--docker-server=x', '--docker-username=u', '--docker-password=p', '-n', 'demo']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('error: failed to create secret secrets "regcred" already exists\n');
    const got = await kubectl(['get', 'secret', 'regcred', '-n', 'demo', '-o', 'json']);
    expect(got.code).toBe(0);
    const secret = JSON.parse(got.stdout);
    expect(secret.kind).toBe('Secret');
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
    const cfg = JSON.parse(Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString());
    expect(cfg.auths['127.0.0.1:5443']).toMatchObject({ username: 'robot$demo+ci', password: 's3cret', auth: Buffer.from('robot$demo+ci:s3cret').toString('base64') });
  });

  it('patch serviceaccount (strategic): imagePullSecrets is replaced, not merged', async () => {
    const r = await kubectl(['patch', 'serviceaccount', 'default', '-n', 'demo', '-p', '{"imagePullSecrets":[{"name":"regcred"}]}']);
    expect(r).toMatchObject({ code: 0, stdout: 'serviceaccount/default patched\n' });
    const same = await kubectl(['patch', 'serviceaccount', 'default', '-n', 'demo', '-p', '{"imagePullSecrets":[{"name":"regcred"}]}']);
    expect(same.stdout).toBe('serviceaccount/default patched (no change)\n');
    const builder = await kubectl(['patch', 'serviceaccount', 'builder', '-n', 'demo', '-p', '{"imagePullSecrets":[{"name":"regcred"}]}', '-o', 'jsonpath={.imagePullSecrets[*].name}']);
    expect(builder.stdout).toBe('regcred');
  });

  it('patch --type=json with a test op: a failed test changes nothing, a passing one appends', async () => {
    const reset = await kubectl(['patch', 'serviceaccount', 'builder', '-n', 'demo', '--type=merge', '-p', '{"imagePullSecrets":[{"name":"legacy-regcred"},{"name":"dockerhub-mirror"}]}']);
    expect(reset.code).toBe(0);
    const failed = await kubectl([
      'patch',
      'serviceaccount',
      'builder',
      '-n',
      'demo',
      '--type=json',
      '-p',
      '[{"op":"test","path":"/imagePullSecrets/0/name","value":"someone-else"},{"op":"add","path":"/imagePullSecrets/-","value":{"name":"regcred"}}]',
    ]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe('The request is invalid: the server rejected our request due to an error in our request\n');
    const ok = await kubectl([
      'patch',
      'serviceaccount',
      'builder',
      '-n',
      'demo',
      '--type=json',
      '-p',
      '[{"op":"test","path":"/imagePullSecrets/0/name","value":"legacy-regcred"},{"op":"add","path":"/imagePullSecrets/-","value":{"name":"regcred"}}]',
    ]);
    expect(ok).toMatchObject({ code: 0, stdout: 'serviceaccount/builder patched\n' });
    const names = await kubectl(['get', 'sa', 'builder', '-n', 'demo', '-o', 'jsonpath={.imagePullSecrets[*].name}']);
    expect(names.stdout).toBe('legacy-regcred dockerhub-mirror regcred');
  });

  it('get events --watch shows an event created while watching', async () => {
    const watching = kubectl(['get', 'events', '-n', 'demo', '--watch', '--request-timeout=3s'], { timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 1200));
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const ev = await api('POST', '/api/v1/namespaces/demo/events', {
      metadata: { name: 'busybox-app-1.pull' },
      involvedObject: { kind: 'Pod', name: 'busybox-app-1', namespace: 'demo' },
      reason: 'Failed',
      message: 'Failed to pull image "127.0.0.1:5443/library/busybox:latest": x509: certificate signed by unknown authority',
      type: 'Warning',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    });
    expect(ev.metadata.uid).toBeDefined();
    const r = await watching;
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    expect(lines.some((l) => /^\d+s\s+Warning\s+Failed\s+pod\/busybox-app-1\s+Failed to pull image/.test(l))).toBe(true);
  });

  it('delete secret', async () => {
    const r = await kubectl(['delete', 'secret', 'regcred', '-n', 'demo']);
    expect(r).toMatchObject({ code: 0, stdout: 'secret "regcred" deleted\n' });
    const gone = await kubectl(['get', 'secret', 'regcred', '-n', 'demo']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe('Error from server (NotFound): secrets "regcred" not found\n');
  });

  it('get pods --field-selector', async () => {
    await api('POST', '/api/v1/namespaces/demo/pods', {
      metadata: { name: 'probe' },
      spec: { nodeName: 'node-1', containers: [{ name: 'c', image: '127.0.0.1:5443/library/busybox:latest' }] },
    });
    const onNode = await kubectl(['get', 'pods', '-A', '--field-selector', 'spec.nodeName=node-1', '-o', 'name']);
    expect(onNode).toMatchObject({ code: 0, stdout: 'pod/probe\n' });
    const pending = await kubectl(['get', 'pods', '-n', 'demo', '--field-selector', 'status.phase=Pending']);
    expect(pending.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nprobe\s+0\/1\s+Pending\s+0\s+\d+s\n$/);
    const none = await kubectl(['get', 'pods', '-n', 'demo', '--field-selector', 'status.phase=Running']);
    expect(none).toMatchObject({ code: 0, stdout: '', stderr: 'No resources found in demo namespace.\n' });
    const bad = await kubectl(['get', 'pods', '-n', 'demo', '--field-selector', 'spec.image=x']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('field label not supported: spec.image');
  });

  it('create -f with invalid fields prints the 422 causes', async () => {
    const file = path.join(tmp, 'bad-pod.yaml');
    fs.writeFileSync(file, ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: Bad_Pod', '  namespace: demo', 'spec:', '  containers:', '  - name: main', ''].join('\n'));
    const r = await kubectl(['create', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'The Pod "Bad_Pod" is invalid: \n' +
        `* metadata.name: Invalid value: "Bad_Pod": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n` +
        '* spec.containers[0].image: Required value\n',
    );
  });

  it('version is the Kubernetes one on the kube-apiserver (HTTPS) listener', async () => {
    const r = await kubectl(['version', '-o', 'json']);
    expect(JSON.parse(r.stdout).serverVersion.gitVersion).toBe('v1.32.4');
  });

  it('create deployment (a protobuf body) gets the apiserver defaults; scale and restart bump the generation', async () => {
    const c = await kubectl(['create', 'deployment', 'pulltest', '--image=127.0.0.1:5443/library/busybox:latest', '-n', 'demo']);
    expect(c).toMatchObject({ code: 0, stdout: 'deployment.apps/pulltest created\n' });
    expect((await kubectl(['scale', 'deployment', 'pulltest', '--replicas=2', '-n', 'demo'])).stdout).toBe('deployment.apps/pulltest scaled\n');
    expect((await kubectl(['rollout', 'restart', 'deployment/pulltest', '-n', 'demo'])).stdout).toBe('deployment.apps/pulltest restarted\n');
    const d = JSON.parse((await kubectl(['get', 'deployment', 'pulltest', '-n', 'demo', '-o', 'json'])).stdout);
    expect(d.metadata.generation).toBe(3);
    expect(d.spec).toMatchObject({ replicas: 2, strategy: { type: 'RollingUpdate' }, template: { spec: { restartPolicy: 'Always', containers: [{ name: 'busybox', imagePullPolicy: 'Always' }] } } });
  });

  it('auth can-i create secrets -n demo', async () => {
    const r = await kubectl(['auth', 'can-i', 'create', 'secrets', '-n', 'demo']);
    expect(r).toMatchObject({ code: 0, stdout: 'yes\n' });
  });
});
