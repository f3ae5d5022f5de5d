// What the extension relies on from KubeSphere, asked of the lab's KubeSphere API (the gateway standing in for
// ks-apiserver v4.1.3, lab/cluster/kubesphere, in front of the real kube-apiserver) as the console would ask it:
// with the users' own tokens, through the same paths. Each behaviour names the v4.1.3 file it comes from; the
// gateway's conformance test holds those files against KubeSphere's own.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clusterContext } from '../src/api/cluster';
import { KUBESPHERE_ROUTES } from '../src/api/kubesphere-routes';
import { executeWrite } from '../src/api/write';
import { PAGES_BUILD_KEY, PAGES_CODE_KEY, PAGES_CONFIGMAP, PAGES_PATH } from '../src/start/pages-configmap';
import { pagesBuildId } from '../vite.config';
import { clusterBinaries } from './cluster/build';
import { gatewayAs, GATEWAY_URL, HARBOR, kubeAdmin, labCaPem, loginToken, useProductApiAs, waitFor } from './testing';

const as = gatewayAs;

describe('versions', () => {
  it('kubectl version shows the real Kubernetes; /kapis/version answers KubeSphere v4.1.3', async () => {
    const kube = await kubeAdmin().request('GET', '/version');
    expect(kube.json.gitVersion).toBe('v1.31.14');
    const ks = await as('admin', 'GET', '/kapis/version');
    expect(ks.status).toBe(200);
    expect(ks.json.gitVersion).toBe('v4.1.3');
    // apiserver.go excludes /version from authorization, not /kapis/version (console 4.1.3 reads /version).
    expect((await as(undefined, 'GET', '/version')).json.kubernetes.gitVersion).toBe('v1.31.14');
    expect((await as('demo-admin', 'GET', '/kapis/version')).status).toBe(403);
  });
});

describe('routes', () => {
  it('every KubeSphere route of the product is registered by the lab as ks-apiserver registers it', () => {
    const table = JSON.parse(execFileSync(clusterBinaries().labcluster, ['kubesphere', '--print-routes'], { encoding: 'utf8' })) as Array<{ method: string; path: string; source: string }>;
    const template = (p: string) => p.replace(/\{[^}]+\}/g, '{}');
    for (const [id, route] of Object.entries(KUBESPHERE_ROUTES)) {
      if (!route.path.startsWith('/kapis/')) continue; // /apis are Kubernetes' (a CRD), /proxy is a filter: see below
      for (const method of route.methods) {
        const served = table.find(r => r.method === method && template(r.path) === template(route.path));
        expect(served, `${id}: ${method} ${route.path}`).toBeDefined();
        expect(served!.source, id).toBe(route.source);
      }
    }
  });

  it('the workspace projects route is /clusters/{c}/kapis/…/workspaces/{ws}/namespaces; the invented one is 404', async () => {
    const real = await as('ws-admin', 'GET', '/clusters/host/kapis/tenant.kubesphere.io/v1beta1/workspaces/demo-ws/namespaces');
    expect(real.status).toBe(200);
    expect(real.json.items.map((n: any) => n.metadata.name).sort()).toEqual(['demo', 'demo-2']);
    const invented = await as('ws-admin', 'GET', '/kapis/tenant.kubesphere.io/v1beta1/workspaces/demo-ws/clusters/host/namespaces');
    expect(invented.status).toBe(404);
  });

  it('an unknown cluster is 400 "cluster … not exists" (filters/multicluster.go)', async () => {
    const r = await as('admin', 'GET', '/clusters/nowhere/api/v1/namespaces');
    expect(r.status).toBe(400);
    expect(r.text).toContain('cluster nowhere not exists');
  });
});

describe('Kubernetes requests go through KubeSphere authorization, then to kube-apiserver as ks-apiserver itself', () => {
  it('a SelfSubjectAccessReview is refused to a project admin (no KubeSphere rule grants it) and answers for ks-apiserver for a platform admin', async () => {
    const review = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb: 'delete', resource: 'nodes' } } };
    expect((await as('demo-admin', 'POST', '/clusters/host/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', review)).status).toBe(403);
    const admin = await as('admin', 'POST', '/clusters/host/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', review);
    expect(admin.status).toBe(201);
    // kube-apiserver saw the gateway's identity (user "kubesphere"), not admin: the answer says nothing about admin.
    expect(admin.json.status.allowed).toBe(true);
  });

  it('a dry-run write is authorized for the user, then validated by kube-apiserver without being stored', async () => {
    const patch = [{ op: 'test', path: '/metadata/name', value: 'default' }];
    const path = '/clusters/host/api/v1/namespaces/demo/serviceaccounts/default?dryRun=All';
    const send = async (user: string) => {
      const res = await fetch(GATEWAY_URL + path, {
        method: 'PATCH',
        headers: { Authorization: `Bearer ${await loginToken(user)}`, 'Content-Type': 'application/json-patch+json', Accept: 'application/json' },
        body: JSON.stringify(patch),
      });
      return { status: res.status, json: (await res.json()) as any };
    };
    expect((await send('demo-admin')).status).toBe(200);
    const viewer = await send('demo-viewer');
    expect(viewer.status).toBe(403);
    expect(viewer.json.message).toContain('User "demo-viewer" cannot patch resource "serviceaccounts"');
  });
});

describe('dry runs through the extension\'s API layer persist nothing (the permission checks and the plan preflight rely on it)', () => {
  it('a dry-run delete with preconditions leaves the object (kube-apiserver ignores ?dryRun when DeleteOptions come in the body)', async () => {
    await useProductApiAs('admin');
    const name = 'hc-lab-test-dry-delete';
    await kubeAdmin().request('DELETE', `/api/v1/namespaces/demo/secrets/${name}`);
    const created = await kubeAdmin().request('POST', '/api/v1/namespaces/demo/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: { a: 'b' } });
    expect(created.status).toBe(201);
    try {
      const write = { action: 'delete' as const, apiVersion: 'v1', kind: 'Secret', namespace: 'demo', name, preconditions: { uid: created.json.metadata.uid } };
      await executeWrite(write, clusterContext('host', true), { dryRun: true });
      expect((await kubeAdmin().request('GET', `/api/v1/namespaces/demo/secrets/${name}`)).status).toBe(200);
    } finally {
      await kubeAdmin().request('DELETE', `/api/v1/namespaces/demo/secrets/${name}`);
    }
  });
});

describe('ReverseProxy (filters/reverseproxy.go)', () => {
  const name = 'hc-lab-test-probe';
  const base = '/apis/extensions.kubesphere.io/v1alpha1/reverseproxies';
  const body = (status?: object) => ({
    apiVersion: 'extensions.kubesphere.io/v1alpha1',
    kind: 'ReverseProxy',
    metadata: { name },
    spec: {
      matcher: { method: 'GET', path: `/proxy/${name}/v2/` },
      directives: { stripPathPrefix: `/proxy/${name}` },
      // caBundle is []byte (JSON base64) that ks-apiserver base64-decodes once more: base64(base64(PEM)).
      upstream: { url: `https://${HARBOR}`, caBundle: Buffer.from(Buffer.from(labCaPem()).toString('base64')).toString('base64') },
    },
    ...(status ? { status } : {}),
  });

  it('answers 503 {} until status.state is Available (the CRD has no status subresource: the create body carries it)', async () => {
    await kubeAdmin().request('DELETE', `${base}/${name}`);
    try {
      expect((await kubeAdmin().request('POST', base, body())).status).toBe(201);
      const unavailable = await waitFor('the gateway sees the ReverseProxy', async () => {
        const r = await as('admin', 'GET', `/proxy/${name}/v2/`);
        return r.status !== 404 && r;
      });
      expect(unavailable.status).toBe(503);
      expect(unavailable.text.trim()).toBe('{}');

      await kubeAdmin().request('DELETE', `${base}/${name}`);
      await waitFor('deleted', async () => (await kubeAdmin().request('GET', `${base}/${name}`)).status === 404);
      const created = await kubeAdmin().request('POST', base, body({ state: 'Available' }));
      expect(created.json.status).toEqual({ state: 'Available' });
      // The lab registry asks for credentials: a 401 with its realm proves the name, the route and TLS with the CA.
      const reached = await waitFor('the proxy routes', async () => {
        const r = await as('admin', 'GET', `/proxy/${name}/v2/`);
        return r.status === 401 && r;
      });
      expect(reached.text).toContain('UNAUTHORIZED');
      // GET only: the matcher names one method.
      expect((await as('admin', 'POST', `/proxy/${name}/v2/`, {})).status).toBe(404);
    } finally {
      await kubeAdmin().request('DELETE', `${base}/${name}`);
    }
  });
});

describe('JSBundle (filters/jsbundle.go) and the installed extension', () => {
  it('serves the bundle the extension chart installed, byte for byte, at status.link', async () => {
    const bundle = await kubeAdmin().request('GET', '/apis/extensions.kubesphere.io/v1alpha1/jsbundles/harbor-connect');
    expect(bundle.json.status).toMatchObject({ state: 'Available', link: '/dist/harbor-connect/index.js' });
    const served = await (await fetch(`${GATEWAY_URL}/dist/harbor-connect/index.js`)).text();
    const configMap = await kubeAdmin().request('GET', '/api/v1/namespaces/extension-harbor-connect/configmaps/harbor-connect-js-bundle');
    expect(served).toBe(configMap.json.data['index.js']);
    expect(served).toBe(readFileSync(join(__dirname, '..', 'dist', 'index.js'), 'utf8'));
  });
});

describe('the pages (ConfigMap harbor-connect-pages), read by every signed-in user', () => {
  it('KubeSphere aggregated the chart\'s role template into `authenticated`: any signed-in user reads the pages, and only that ConfigMap', async () => {
    // The roletemplate controller (v4.1.3 roletemplate_controller.go, the lab's stand-in) appends the rule.
    const role = await kubeAdmin().request('GET', '/apis/iam.kubesphere.io/v1beta1/globalroles/authenticated');
    expect(role.json.aggregationRoleTemplates.templateNames).toContain(PAGES_CONFIGMAP);
    const code = readFileSync(join(__dirname, '..', 'dist', 'pages.js'), 'utf8');
    // demo-viewer holds no role in the extension's namespace: the grant is the aggregated rule alone.
    for (const user of ['demo-viewer', 'demo-admin', 'admin']) {
      const pages = await as(user, 'GET', PAGES_PATH);
      expect(pages.status, user).toBe(200);
      expect(pages.json.data[PAGES_CODE_KEY]).toBe(code);
      expect(pages.json.data[PAGES_BUILD_KEY]).toBe(pagesBuildId(code));
    }
    // resourceNames holds: the start file's ConfigMap, the registry records and the namespace's list stay closed.
    const ns = '/api/v1/namespaces/extension-harbor-connect';
    expect((await as('demo-viewer', 'GET', `${ns}/configmaps/harbor-connect-js-bundle`)).status).toBe(403);
    expect((await as('demo-viewer', 'GET', `${ns}/configmaps`)).status).toBe(403);
    expect((await as('demo-viewer', 'GET', `${ns}/secrets`)).status).toBe(403);
    // Anonymous (no token): ks-apiserver authorizes system:anonymous with the `anonymous` role, which has no such rule.
    expect((await as(undefined, 'GET', PAGES_PATH)).status).toBe(403);
  });
});

describe('registry verify (resources/v1alpha3 VerifyImageRepositorySecret)', () => {
  const secret = (server: string, username: string, password: string, insecure = false) => {
    const auth = Buffer.from(`${username}:${password}`).toString('base64');
    const config = { auths: { [server]: { username, password, auth } } };
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/dockerconfigjson',
      metadata: { name: 'x', namespace: 'demo', ...(insecure ? { annotations: { 'secret.kubesphere.io/force-insecure': 'true' } } : {}) },
      data: { '.dockerconfigjson': Buffer.from(JSON.stringify(config)).toString('base64') },
    };
  };
  const verify = (body: unknown) => as('admin', 'POST', '/clusters/host/kapis/resources.kubesphere.io/v1alpha3/namespaces/demo/registrysecrets/x/verify', body);

  it('trusts only the system roots: a private-CA Harbor fails with x509, 400 in text', async () => {
    const r = await verify(secret(`https://${HARBOR}`, 'admin', 'Harbor12345'));
    expect(r.status).toBe(400);
    expect(r.text).toContain('registry auth failed with err:');
    expect(r.text).toContain('x509: certificate signed by unknown authority');
  });

  it('with force-insecure, against a registry with a Basic challenge, it proves nothing about the password', async () => {
    // go-containerregistry's transport pings /v2/, sees "Basic" and only wraps the transport: no request carries
    // the credentials, so a wrong password verifies too. (Harbor's Bearer realm is asked for a token with them.)
    // Why the extension proves credentials with a real pull on the nodes, not with this endpoint alone.
    expect((await verify(secret(`https://${HARBOR}`, 'admin', 'Harbor12345', true))).status).toBe(200);
    expect((await verify(secret(`https://${HARBOR}`, 'admin', 'not-the-password', true))).status).toBe(200);
  });
});
