import { describe, expect, it } from 'vitest';
import type { KObject, LabUser, RequestAttributes, ResourceType, Store } from '../contract';
import { authorizeNonResource, createAuthorizer, forbiddenMessage } from './rbac';

const namespaces: Record<string, string> = { demo: 'demo-ws', 'demo-2': 'demo-ws', other: 'other-ws' };
const nsType: ResourceType = { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false };

/** Only what the authorizer reads: namespaces and their workspace label. */
const store = {
  typeFor: (group: string, resource: string) => (group === '' && resource === 'namespaces' ? nsType : undefined),
  get: (_type: ResourceType, _ns: string | undefined, name: string): KObject | undefined =>
    namespaces[name] ? { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubesphere.io/workspace': namespaces[name]! } } } : undefined,
} as unknown as Store;

const authz = createAuthorizer(store);
const user = (name: string): LabUser => ({ name, groups: ['system:authenticated'] });
const can = (name: string, verb: string, resource: string, namespace?: string, apiGroup = '', extra: Partial<RequestAttributes> = {}) =>
  authz.authorize(user(name), { verb, apiGroup, resource, namespace, ...extra }).allowed;

describe('KubeSphere RBAC', () => {
  it('platform-admin may do anything, anywhere', () => {
    expect(can('admin', 'delete', 'secrets', 'other')).toBe(true);
    expect(can('admin', 'list', 'nodes')).toBe(true);
    expect(can('admin', 'create', 'reverseproxies', undefined, 'extensions.kubesphere.io')).toBe(true);
  });

  it('the workspace admin manages every project of the workspace, and only those', () => {
    expect(can('ws-admin', 'create', 'secrets', 'demo')).toBe(true);
    expect(can('ws-admin', 'patch', 'serviceaccounts', 'demo-2')).toBe(true);
    expect(can('ws-admin', 'get', 'secrets', 'other')).toBe(false);
    expect(can('ws-admin', 'list', 'nodes')).toBe(false);
  });

  it('the project admin manages everything in the project, ServiceAccounts included', () => {
    for (const verb of ['get', 'list', 'create', 'update', 'patch', 'delete']) {
      expect(can('demo-admin', verb, 'serviceaccounts', 'demo')).toBe(true);
      expect(can('demo-admin', verb, 'secrets', 'demo')).toBe(true);
    }
    expect(can('demo-admin', 'create', 'roles', 'demo', 'rbac.authorization.k8s.io')).toBe(true);
    expect(can('demo-admin', 'get', 'secrets', 'demo-2')).toBe(false);
  });

  it('the operator manages secrets, configmaps, workloads and pods, but only reads ServiceAccounts and roles', () => {
    expect(can('demo-operator', 'create', 'secrets', 'demo')).toBe(true);
    expect(can('demo-operator', 'update', 'configmaps', 'demo')).toBe(true);
    expect(can('demo-operator', 'create', 'deployments', 'demo', 'apps')).toBe(true);
    expect(can('demo-operator', 'delete', 'pods', 'demo')).toBe(true);
    expect(can('demo-operator', 'get', 'pods', 'demo', '', { subresource: 'log' })).toBe(true);
    expect(can('demo-operator', 'get', 'serviceaccounts', 'demo')).toBe(true);
    expect(can('demo-operator', 'patch', 'serviceaccounts', 'demo')).toBe(false);
    expect(can('demo-operator', 'update', 'serviceaccounts', 'demo')).toBe(false);
    expect(can('demo-operator', 'list', 'roles', 'demo', 'rbac.authorization.k8s.io')).toBe(true);
    expect(can('demo-operator', 'create', 'roles', 'demo', 'rbac.authorization.k8s.io')).toBe(false);
  });

  it('the viewer reads (secrets too, as KubeSphere\'s namespace-view-secrets template allows) and writes nothing', () => {
    expect(can('demo-viewer', 'get', 'secrets', 'demo')).toBe(true);
    expect(can('demo-viewer', 'watch', 'serviceaccounts', 'demo')).toBe(true);
    for (const verb of ['create', 'update', 'patch', 'delete', 'deletecollection']) {
      expect(can('demo-viewer', verb, 'secrets', 'demo')).toBe(false);
    }
  });

  it('project members may get their own namespace but not list namespaces', () => {
    expect(can('demo-viewer', 'get', 'namespaces', undefined, '', { name: 'demo' })).toBe(true);
    expect(can('demo-viewer', 'get', 'namespaces', undefined, '', { name: 'other' })).toBe(false);
    expect(can('demo-viewer', 'list', 'namespaces')).toBe(false);
  });

  it('nodes are for platform admins only', () => {
    for (const name of ['ws-admin', 'demo-admin', 'demo-operator', 'demo-viewer']) expect(can(name, 'list', 'nodes')).toBe(false);
  });

  it('everyone may ask what they may do', () => {
    for (const name of ['admin', 'ws-admin', 'demo-admin', 'demo-operator', 'demo-viewer']) {
      expect(can(name, 'create', 'selfsubjectaccessreviews', undefined, 'authorization.k8s.io')).toBe(true);
    }
  });

  it('system:masters is allowed; unknown users only get the authenticated basics', () => {
    expect(authz.authorize({ name: 'system:lab-controller', groups: ['system:masters'] }, { verb: 'delete', apiGroup: '', resource: 'nodes' }).allowed).toBe(true);
    expect(can('stranger', 'get', 'secrets', 'demo')).toBe(false);
    expect(can('stranger', 'list', 'jsbundles', undefined, 'extensions.kubesphere.io')).toBe(true);
  });

  it('words a denial as Kubernetes RBAC does', () => {
    expect(forbiddenMessage(user('demo-viewer'), { verb: 'create', apiGroup: '', resource: 'secrets', namespace: 'demo' })).toBe(
      'secrets is forbidden: User "demo-viewer" cannot create resource "secrets" in API group "" in the namespace "demo"',
    );
    expect(forbiddenMessage(user('demo-operator'), { verb: 'patch', apiGroup: '', resource: 'serviceaccounts', namespace: 'demo', name: 'default' })).toBe(
      'serviceaccounts "default" is forbidden: User "demo-operator" cannot patch resource "serviceaccounts" in API group "" in the namespace "demo"',
    );
    expect(forbiddenMessage(user('demo-admin'), { verb: 'list', apiGroup: '', resource: 'nodes' })).toBe(
      'nodes is forbidden: User "demo-admin" cannot list resource "nodes" in API group "" at the cluster scope',
    );
  });

  it('the reverse proxy path is a non-resource URL: platform admins only, unless granted', () => {
    expect(authorizeNonResource(store, user('admin'), 'GET', '/proxy/harbor-connect/x').allowed).toBe(true);
    const denied = authorizeNonResource(store, user('demo-admin'), 'GET', '/proxy/harbor-connect/x');
    expect(denied).toEqual({ allowed: false, reason: 'User "demo-admin" cannot get path "/proxy/harbor-connect/x"' });
  });
});
