import { describe, expect, it } from 'vitest';
import { clusterContext, clusterPrefix, isMultiCluster } from './cluster';
import { apiVersionOf, encodeQuery, parseApiVersion, resourcePath, reverseProxyPath, selector, withQuery, type ResourceType } from './paths';
import { kubesphereRoutePath } from './kubesphere-routes';

const secrets: ResourceType = { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true };
const nodes: ResourceType = { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false };
const deployments: ResourceType = { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true };
const rp: ResourceType = { group: 'extensions.kubesphere.io', version: 'v1alpha1', resource: 'reverseproxies', kind: 'ReverseProxy', namespaced: false };

const single = clusterContext('host', false);
const multiHost = clusterContext('host', true);
const member = clusterContext('edge-1', true);

describe('resourcePath', () => {
  it('builds core paths without a prefix in single-cluster mode', () => {
    expect(resourcePath(secrets, { cluster: single, namespace: 'demo' })).toBe('/api/v1/namespaces/demo/secrets');
    expect(resourcePath(secrets, { cluster: single, namespace: 'demo', name: 'pull' })).toBe('/api/v1/namespaces/demo/secrets/pull');
    expect(resourcePath(secrets, { cluster: single })).toBe('/api/v1/secrets');
    expect(resourcePath(nodes, { cluster: single, name: 'n1' })).toBe('/api/v1/nodes/n1');
  });

  it('builds group paths and subresources', () => {
    expect(resourcePath(deployments, { cluster: single, namespace: 'demo', name: 'web', subresource: 'scale' })).toBe(
      '/apis/apps/v1/namespaces/demo/deployments/web/scale',
    );
    expect(resourcePath(rp, { name: 'harbor' })).toBe('/apis/extensions.kubesphere.io/v1alpha1/reverseproxies/harbor');
  });

  it('prefixes /clusters/{name} for every cluster in multi-cluster mode, host included', () => {
    expect(resourcePath(secrets, { cluster: multiHost, namespace: 'demo' })).toBe('/clusters/host/api/v1/namespaces/demo/secrets');
    expect(resourcePath(deployments, { cluster: member, namespace: 'a' })).toBe('/clusters/edge-1/apis/apps/v1/namespaces/a/deployments');
  });

  it('encodes segments', () => {
    expect(resourcePath(secrets, { cluster: clusterContext('a b', true), namespace: 'x/y', name: 'n?' })).toBe(
      '/clusters/a%20b/api/v1/namespaces/x%2Fy/secrets/n%3F',
    );
  });

  it('rejects a namespace on a cluster-scoped kind and a subresource without a name', () => {
    expect(() => resourcePath(nodes, { namespace: 'demo' })).toThrow(/cluster-scoped/);
    expect(() => resourcePath(secrets, { namespace: 'demo', subresource: 'status' })).toThrow(/name/);
  });
});

describe('KubeSphere paths (from ./kubesphere-routes)', () => {
  it('fills parameters and adds the multi-cluster prefix to cluster routes only', () => {
    expect(kubesphereRoutePath('tenant.namespaces', {}, single)).toBe('/kapis/tenant.kubesphere.io/v1beta1/namespaces');
    expect(kubesphereRoutePath('tenant.workspaceNamespaces', { workspace: 'w s' }, member)).toBe(
      '/clusters/edge-1/kapis/tenant.kubesphere.io/v1beta1/workspaces/w%20s/namespaces',
    );
    expect(kubesphereRoutePath('tenant.clusters', {}, member)).toBe('/kapis/tenant.kubesphere.io/v1beta1/clusters');
    expect(() => kubesphereRoutePath('tenant.workspaceNamespaces', {}, member)).toThrow(/workspace is required/);
    expect(reverseProxyPath(multiHost, '/proxy/harbor-connect/abc/v2/')).toBe('/proxy-api/clusters/host/proxy/harbor-connect/abc/v2/');
    expect(() => reverseProxyPath(multiHost, '/kapis/x')).toThrow(/not a ReverseProxy path/);
  });
});

describe('query strings', () => {
  it('encodes Kubernetes list and watch parameters, leaving out empty ones', () => {
    expect(
      withQuery('/api/v1/secrets', {
        labelSelector: 'app.kubernetes.io/managed-by=harbor-connect,registry in (a,b)',
        fieldSelector: 'type=kubernetes.io/dockerconfigjson',
        limit: 500,
        continue: 'abc==',
        watch: true,
        resourceVersion: '42',
        timeoutSeconds: 300,
        dryRun: 'All',
      }),
    ).toBe(
      '/api/v1/secrets?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dharbor-connect%2Cregistry%20in%20(a%2Cb)' +
        '&fieldSelector=type%3Dkubernetes.io%2Fdockerconfigjson&limit=500&continue=abc%3D%3D&watch=true&resourceVersion=42' +
        '&timeoutSeconds=300&dryRun=All',
    );
    expect(encodeQuery({ a: undefined, b: '', c: null })).toBe('');
  });

  it('encodes KubeSphere paging parameters', () => {
    expect(encodeQuery({ page: 2, limit: 10, sortBy: 'createTime', ascending: false, name: 'harbor' })).toBe(
      '?page=2&limit=10&sortBy=createTime&ascending=false&name=harbor',
    );
  });

  it('builds stable selectors from maps', () => {
    expect(selector({ b: '2', a: '1', exists: null })).toBe('a=1,b=2,exists');
    expect(selector({})).toBeUndefined();
  });
});

describe('api versions and cluster context', () => {
  it('splits and joins apiVersion', () => {
    expect(parseApiVersion('v1')).toEqual({ group: '', version: 'v1' });
    expect(parseApiVersion('cert-manager.io/v1')).toEqual({ group: 'cert-manager.io', version: 'v1' });
    expect(apiVersionOf('', 'v1')).toBe('v1');
    expect(apiVersionOf('apps', 'v1')).toBe('apps/v1');
  });

  it('reads multi-cluster mode like the console does', () => {
    const g = globalThis as { globals?: unknown };
    const saved = g.globals;
    try {
      delete g.globals;
      expect(isMultiCluster()).toBe(false);
      g.globals = { ksConfig: { multicluster: { clusterRole: 'none' } } };
      expect(isMultiCluster()).toBe(false);
      g.globals = { ksConfig: { multicluster: { clusterRole: 'host' } } };
      expect(isMultiCluster()).toBe(true);
      expect(clusterPrefix(clusterContext('host'))).toBe('/clusters/host');
      // What KubeSphere 4.1.3's configz answers with one cluster (ks-core kubesphere-config.yaml, _helpers.tpl).
      g.globals = { ksConfig: { multicluster: { clusterRole: 'host', hostClusterName: 'host' } } };
      expect(clusterPrefix(clusterContext('host'))).toBe('/clusters/host');
      g.globals = { ksConfig: { multicluster: { clusterRole: 'member' } } };
      expect(isMultiCluster()).toBe(true);
      // The console treats a missing multicluster section as multi-cluster too (`?.clusterRole !== 'none'`).
      g.globals = { ksConfig: {} };
      expect(isMultiCluster()).toBe(true);
      g.globals = {};
      expect(isMultiCluster()).toBe(true);
    } finally {
      g.globals = saved;
    }
    expect(clusterPrefix(undefined)).toBe('');
  });
});
