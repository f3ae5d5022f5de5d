// The resource types the stand-in serves, with what the apiserver knows about each: scope, verbs, short names,
// subresources, field selectors, strategic-merge-patch metadata (patchStrategy/patchMergeKey from k8s.io/api types.go).
import type { KObject, ResourceType } from './contract';
import type { FieldGetter } from './selectors';
import { metaFields } from './selectors';
import type { NameRule } from './names';
import { eventsV1View, type View } from './views';

/** Strategic merge patch metadata of one value: a struct (fields), or a list (merge by key, or atomic). */
export interface SmpNode {
  fields?: Record<string, SmpNode>;
  /** Present when the value is a list with patchStrategy merge. Lists without it are atomic (replaced). */
  merge?: { key?: string; retainKeys?: boolean };
  /** Schema of list items (for merge lists of structs). */
  items?: SmpNode;
  /** patchStrategy retainKeys on a struct (e.g. Deployment.spec.strategy). */
  retainKeys?: boolean;
}

export interface TypeDef extends ResourceType {
  singular: string;
  shortNames?: string[];
  categories?: string[];
  verbs: string[];
  /** Subresources served: status (GET/PUT/PATCH), log (GET), binding (POST), scale. */
  subresources?: string[];
  /** Objects of this kind carry metadata.generation, bumped when anything but metadata/status changes. */
  generation?: boolean;
  nameRule: NameRule;
  /** Field labels beyond metadata.name/namespace; undefined = DefaultMetaV1FieldSelectorConversion. */
  fieldSelectors?: Record<string, FieldGetter>;
  fieldAliases?: Record<string, string>;
  /** Strategic merge patch schema; undefined means SMP is unsupported (custom resources answer 415). */
  smp?: SmpNode;
  /** Backed by a CustomResourceDefinition object (appears in the CRD list, served like a CR). */
  custom?: boolean;
  allowCreateOnUpdate?: boolean;
  allowUnconditionalUpdate: boolean;
  /** DELETE answers the object instead of a Status (pods, services). */
  returnDeletedObject?: boolean;
  /** Module under kubernetes-models to validate against, e.g. 'apps/v1/Deployment'. */
  model?: string;
  /** Only create and (for some) get: reviews are not stored. */
  virtual?: boolean;
  /** Served only while this is true (cert-manager switch). */
  enabled?: () => boolean;
  /** Another representation of a stored type (events.k8s.io/v1 Event over core/v1 Event). */
  view?: View;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

// ---- strategic merge patch schema pieces ----

const mergeBy = (key: string, items?: SmpNode, retainKeys = false): SmpNode => ({ merge: { key, retainKeys }, items });
const primitiveMerge: SmpNode = { merge: {} };

export const objectMetaSmp: SmpNode = {
  fields: {
    finalizers: primitiveMerge,
    ownerReferences: mergeBy('uid'),
  },
};

const containerSmp: SmpNode = {
  fields: {
    env: mergeBy('name'),
    ports: mergeBy('containerPort'),
    volumeMounts: mergeBy('mountPath'),
    volumeDevices: mergeBy('devicePath'),
  },
};

export const podSpecSmp: SmpNode = {
  fields: {
    containers: mergeBy('name', containerSmp),
    initContainers: mergeBy('name', containerSmp),
    ephemeralContainers: mergeBy('name', containerSmp),
    volumes: mergeBy('name', undefined, true),
    imagePullSecrets: mergeBy('name'),
    hostAliases: mergeBy('ip'),
    topologySpreadConstraints: mergeBy('topologyKey'),
    schedulingGates: mergeBy('name'),
    resourceClaims: mergeBy('name', undefined, true),
  },
};

const podStatusSmp: SmpNode = {
  fields: {
    conditions: mergeBy('type'),
    podIPs: mergeBy('ip'),
    hostIPs: mergeBy('ip'),
    resourceClaimStatuses: mergeBy('name', undefined, true),
  },
};

const podTemplateSmp: SmpNode = { fields: { metadata: objectMetaSmp, spec: podSpecSmp } };
const conditionsStatus: SmpNode = { fields: { conditions: mergeBy('type') } };

const withMeta = (fields: Record<string, SmpNode>): SmpNode => ({ fields: { metadata: objectMetaSmp, ...fields } });

// ---- field selector getters ----

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const get =
  (...path: string[]): FieldGetter =>
  (o) => {
    let cur: any = o;
    for (const p of path) cur = cur?.[p];
    return str(cur);
  };

const podFields: Record<string, FieldGetter> = {
  ...metaFields,
  'metadata.uid': get('metadata', 'uid'),
  'spec.nodeName': get('spec', 'nodeName'),
  'spec.restartPolicy': get('spec', 'restartPolicy'),
  'spec.schedulerName': get('spec', 'schedulerName'),
  'spec.serviceAccountName': get('spec', 'serviceAccountName'),
  'spec.hostNetwork': (o) => String(Boolean(o.spec?.hostNetwork)),
  'status.phase': get('status', 'phase'),
  'status.podIP': get('status', 'podIP'),
  'status.nominatedNodeName': get('status', 'nominatedNodeName'),
};

const eventFields: Record<string, FieldGetter> = {
  ...metaFields,
  'involvedObject.kind': get('involvedObject', 'kind'),
  'involvedObject.namespace': get('involvedObject', 'namespace'),
  'involvedObject.name': get('involvedObject', 'name'),
  'involvedObject.uid': get('involvedObject', 'uid'),
  'involvedObject.apiVersion': get('involvedObject', 'apiVersion'),
  'involvedObject.resourceVersion': get('involvedObject', 'resourceVersion'),
  'involvedObject.fieldPath': get('involvedObject', 'fieldPath'),
  reason: get('reason'),
  reportingComponent: get('reportingComponent'),
  source: get('source', 'component'),
  type: get('type'),
};

// ---- the built-in types ----

interface Spec extends Partial<TypeDef> {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  singular: string;
}

function def(s: Spec): TypeDef {
  return {
    verbs: ALL_VERBS,
    nameRule: 'subdomain',
    allowUnconditionalUpdate: true,
    ...s,
  };
}

export function builtinTypes(certManager: () => boolean): TypeDef[] {
  const core = (s: Omit<Spec, 'group' | 'version'>) => def({ group: '', version: 'v1', ...s });
  const apps = (s: Omit<Spec, 'group' | 'version'>) =>
    def({ group: 'apps', version: 'v1', generation: true, subresources: ['status'], categories: ['all'], ...s });
  const batch = (s: Omit<Spec, 'group' | 'version'>) =>
    def({ group: 'batch', version: 'v1', generation: true, subresources: ['status'], categories: ['all'], ...s });
  const ks = (group: string, version: string, resource: string, kind: string, namespaced: boolean, extra: Partial<Spec> = {}) =>
    def({
      group,
      version,
      resource,
      kind,
      namespaced,
      singular: kind.toLowerCase(),
      custom: true,
      generation: true,
      allowUnconditionalUpdate: false,
      ...extra,
    });
  const cm = (resource: string, kind: string, namespaced: boolean, shortNames: string[]) =>
    def({
      group: 'cert-manager.io',
      version: 'v1',
      resource,
      kind,
      namespaced,
      singular: kind.toLowerCase(),
      shortNames,
      categories: ['cert-manager'],
      subresources: ['status'],
      custom: true,
      generation: true,
      allowUnconditionalUpdate: false,
      enabled: certManager,
    });

  return [
    core({
      resource: 'namespaces',
      kind: 'Namespace',
      namespaced: false,
      singular: 'namespace',
      shortNames: ['ns'],
      nameRule: 'label',
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      subresources: ['status', 'finalize'],
      fieldSelectors: { 'metadata.name': get('metadata', 'name'), 'status.phase': get('status', 'phase') },
      smp: withMeta({ status: conditionsStatus }),
      model: 'v1/Namespace',
      returnDeletedObject: true,
    }),
    core({
      resource: 'nodes',
      kind: 'Node',
      namespaced: false,
      singular: 'node',
      shortNames: ['no'],
      subresources: ['status'],
      fieldSelectors: { 'metadata.name': get('metadata', 'name'), 'spec.unschedulable': (o) => String(Boolean(o.spec?.unschedulable)) },
      smp: withMeta({ status: { fields: { conditions: mergeBy('type'), addresses: mergeBy('type') } } }),
      model: 'v1/Node',
    }),
    core({
      resource: 'secrets',
      kind: 'Secret',
      namespaced: true,
      singular: 'secret',
      fieldSelectors: { ...metaFields, type: get('type') },
      smp: withMeta({}),
      model: 'v1/Secret',
    }),
    core({ resource: 'configmaps', kind: 'ConfigMap', namespaced: true, singular: 'configmap', shortNames: ['cm'], smp: withMeta({}), model: 'v1/ConfigMap' }),
    core({
      resource: 'serviceaccounts',
      kind: 'ServiceAccount',
      namespaced: true,
      singular: 'serviceaccount',
      shortNames: ['sa'],
      // secrets merge by name; imagePullSecrets has no patch strategy, so a patch replaces the whole list.
      smp: withMeta({ secrets: mergeBy('name') }),
      model: 'v1/ServiceAccount',
    }),
    core({
      resource: 'pods',
      kind: 'Pod',
      namespaced: true,
      singular: 'pod',
      shortNames: ['po'],
      categories: ['all'],
      subresources: ['status', 'log', 'binding'],
      fieldSelectors: podFields,
      fieldAliases: { 'spec.host': 'spec.nodeName' },
      smp: withMeta({ spec: podSpecSmp, status: podStatusSmp }),
      model: 'v1/Pod',
      returnDeletedObject: true,
    }),
    core({
      resource: 'events',
      kind: 'Event',
      namespaced: true,
      singular: 'event',
      shortNames: ['ev'],
      nameRule: 'path',
      fieldSelectors: eventFields,
      smp: withMeta({}),
      model: 'v1/Event',
      allowCreateOnUpdate: true,
    }),
    core({
      resource: 'services',
      kind: 'Service',
      namespaced: true,
      singular: 'service',
      shortNames: ['svc'],
      categories: ['all'],
      nameRule: 'dns1035',
      subresources: ['status'],
      fieldSelectors: { ...metaFields, 'spec.clusterIP': get('spec', 'clusterIP'), 'spec.type': get('spec', 'type') },
      smp: withMeta({ spec: { fields: { ports: mergeBy('port') } }, status: conditionsStatus }),
      model: 'v1/Service',
      returnDeletedObject: true,
    }),
    core({
      resource: 'endpoints',
      kind: 'Endpoints',
      namespaced: true,
      singular: 'endpoints',
      shortNames: ['ep'],
      smp: withMeta({}),
      model: 'v1/Endpoints',
      allowCreateOnUpdate: true,
    }),
    apps({
      resource: 'deployments',
      kind: 'Deployment',
      namespaced: true,
      singular: 'deployment',
      shortNames: ['deploy'],
      subresources: ['status', 'scale'],
      smp: withMeta({ spec: { fields: { template: podTemplateSmp, strategy: { retainKeys: true } } }, status: conditionsStatus }),
      model: 'apps/v1/Deployment',
    }),
    apps({
      resource: 'statefulsets',
      kind: 'StatefulSet',
      namespaced: true,
      singular: 'statefulset',
      shortNames: ['sts'],
      subresources: ['status', 'scale'],
      smp: withMeta({ spec: { fields: { template: podTemplateSmp } }, status: conditionsStatus }),
      model: 'apps/v1/StatefulSet',
    }),
    apps({
      resource: 'daemonsets',
      kind: 'DaemonSet',
      namespaced: true,
      singular: 'daemonset',
      shortNames: ['ds'],
      smp: withMeta({ spec: { fields: { template: podTemplateSmp } }, status: conditionsStatus }),
      model: 'apps/v1/DaemonSet',
    }),
    apps({
      resource: 'replicasets',
      kind: 'ReplicaSet',
      namespaced: true,
      singular: 'replicaset',
      shortNames: ['rs'],
      subresources: ['status', 'scale'],
      fieldSelectors: { ...metaFields, 'status.replicas': get('status', 'replicas') },
      smp: withMeta({ spec: { fields: { template: podTemplateSmp } }, status: conditionsStatus }),
      model: 'apps/v1/ReplicaSet',
    }),
    batch({
      resource: 'jobs',
      kind: 'Job',
      namespaced: true,
      singular: 'job',
      fieldSelectors: { ...metaFields, 'status.successful': get('status', 'succeeded') },
      smp: withMeta({ spec: { fields: { template: podTemplateSmp } }, status: conditionsStatus }),
      model: 'batch/v1/Job',
    }),
    batch({
      resource: 'cronjobs',
      kind: 'CronJob',
      namespaced: true,
      singular: 'cronjob',
      shortNames: ['cj'],
      smp: withMeta({ spec: { fields: { jobTemplate: { fields: { spec: { fields: { template: podTemplateSmp } } } } } } }),
      model: 'batch/v1/CronJob',
    }),
    def({
      group: 'events.k8s.io',
      version: 'v1',
      resource: 'events',
      kind: 'Event',
      namespaced: true,
      singular: 'event',
      shortNames: ['ev'],
      nameRule: 'path',
      smp: withMeta({}),
      allowCreateOnUpdate: true,
      view: eventsV1View,
    }),
    def({
      group: 'networking.k8s.io',
      version: 'v1',
      resource: 'networkpolicies',
      kind: 'NetworkPolicy',
      namespaced: true,
      singular: 'networkpolicy',
      shortNames: ['netpol'],
      generation: true,
      smp: withMeta({}),
      model: 'networking.k8s.io/v1/NetworkPolicy',
    }),
    def({
      group: 'authorization.k8s.io',
      version: 'v1',
      resource: 'selfsubjectaccessreviews',
      kind: 'SelfSubjectAccessReview',
      namespaced: false,
      singular: 'selfsubjectaccessreview',
      verbs: ['create'],
      virtual: true,
      model: 'authorization.k8s.io/v1/SelfSubjectAccessReview',
    }),
    def({
      group: 'authorization.k8s.io',
      version: 'v1',
      resource: 'selfsubjectrulesreviews',
      kind: 'SelfSubjectRulesReview',
      namespaced: false,
      singular: 'selfsubjectrulesreview',
      verbs: ['create'],
      virtual: true,
    }),
    def({
      group: 'apiextensions.k8s.io',
      version: 'v1',
      resource: 'customresourcedefinitions',
      kind: 'CustomResourceDefinition',
      namespaced: false,
      singular: 'customresourcedefinition',
      shortNames: ['crd', 'crds'],
      categories: ['api-extensions'],
      subresources: ['status'],
      generation: true,
      smp: withMeta({}),
      model: 'apiextensions.k8s.io/v1/CustomResourceDefinition',
    }),
    // KubeSphere CRDs the console and the extension read and write.
    ks('extensions.kubesphere.io', 'v1alpha1', 'jsbundles', 'JSBundle', false, { subresources: ['status'] }),
    ks('extensions.kubesphere.io', 'v1alpha1', 'reverseproxies', 'ReverseProxy', false, { subresources: ['status'] }),
    ks('extensions.kubesphere.io', 'v1alpha1', 'apiservices', 'APIService', false, { subresources: ['status'] }),
    ks('extensions.kubesphere.io', 'v1alpha1', 'extensionentries', 'ExtensionEntry', false),
    ks('kubesphere.io', 'v1alpha1', 'extensions', 'Extension', false, { subresources: ['status'] }),
    ks('tenant.kubesphere.io', 'v1beta1', 'workspacetemplates', 'WorkspaceTemplate', false),
    cm('certificates', 'Certificate', true, ['cert', 'certs']),
    cm('issuers', 'Issuer', true, []),
    cm('clusterissuers', 'ClusterIssuer', false, []),
  ];
}

/** A CustomResourceDefinition object describing a custom type, as `kubectl get crd` lists it. */
export function crdFor(t: TypeDef): KObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${t.resource}.${t.group}` },
    spec: {
      group: t.group,
      names: {
        plural: t.resource,
        singular: t.singular,
        kind: t.kind,
        listKind: `${t.kind}List`,
        ...(t.shortNames?.length ? { shortNames: t.shortNames } : {}),
        ...(t.categories?.length ? { categories: t.categories } : {}),
      },
      scope: t.namespaced ? 'Namespaced' : 'Cluster',
      versions: [
        {
          name: t.version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          ...(t.subresources?.includes('status') ? { subresources: { status: {} } } : {}),
        },
      ],
      conversion: { strategy: 'None' },
    },
  };
}

/** The custom type a CRD object declares (its storage version, or the first served one). */
export function typeFromCrd(crd: KObject): TypeDef | undefined {
  const spec = crd.spec as any;
  if (!spec?.group || !spec?.names?.plural || !spec?.names?.kind) return undefined;
  const versions: any[] = Array.isArray(spec.versions) ? spec.versions : [];
  const v = versions.find((x) => x?.storage && x?.served) ?? versions.find((x) => x?.served);
  if (!v?.name) return undefined;
  return def({
    group: spec.group,
    version: v.name,
    resource: spec.names.plural,
    kind: spec.names.kind,
    namespaced: spec.scope !== 'Cluster',
    singular: spec.names.singular || String(spec.names.kind).toLowerCase(),
    shortNames: spec.names.shortNames,
    categories: spec.names.categories,
    subresources: v.subresources?.status ? ['status'] : undefined,
    custom: true,
    generation: true,
    allowUnconditionalUpdate: false,
  });
}

export const typeKey = (t: Pick<ResourceType, 'group' | 'resource'>) => `${t.group}/${t.resource}`;
export const apiVersionOf = (t: Pick<ResourceType, 'group' | 'version'>) => (t.group ? `${t.group}/${t.version}` : t.version);
