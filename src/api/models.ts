// Typed models. Kubernetes kinds come from kubernetes-types (type-only imports: zero bytes in the bundle);
// CRDs (cert-manager, KubeSphere) are written here with the fields the extension reads or writes.
import type { ObjectMeta, ListMeta } from 'kubernetes-types/meta/v1';

export type {
  Namespace,
  Secret,
  ServiceAccount,
  Pod,
  Event,
  Node,
  ConfigMap,
  LocalObjectReference,
} from 'kubernetes-types/core/v1';
export type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1';
export type { Job, CronJob } from 'kubernetes-types/batch/v1';
export type { NetworkPolicy } from 'kubernetes-types/networking/v1';
export type { ObjectMeta, ListMeta, Status, StatusCause } from 'kubernetes-types/meta/v1';

/** Any Kubernetes object. */
export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/** A Kubernetes list (`limit`/`continue` pagination). */
export interface KList<T> {
  apiVersion?: string;
  kind?: string;
  metadata: ListMeta;
  items: T[];
}

/** A KubeSphere paged list (`page`/`limit`): resources.kubesphere.io/v1alpha3, tenant.kubesphere.io. */
export interface KsList<T> {
  items: T[];
  totalItems: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
export interface WatchEvent<T> {
  type: WatchEventType;
  /** For ERROR events this is a Status. */
  object: T;
}

// ---- cert-manager.io/v1 -------------------------------------------------------------------------

export interface CertManagerCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface IssuerRef {
  name: string;
  kind?: 'Issuer' | 'ClusterIssuer' | string;
  group?: string;
}

export interface Certificate extends KObject {
  spec: {
    secretName: string;
    issuerRef: IssuerRef;
    commonName?: string;
    dnsNames?: string[];
    ipAddresses?: string[];
    duration?: string;
    renewBefore?: string;
    isCA?: boolean;
    usages?: string[];
    privateKey?: { algorithm?: 'RSA' | 'ECDSA' | 'Ed25519'; size?: number; rotationPolicy?: 'Never' | 'Always' };
    secretTemplate?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  };
  status?: {
    conditions?: CertManagerCondition[];
    notBefore?: string;
    notAfter?: string;
    renewalTime?: string;
    revision?: number;
  };
}

export interface IssuerSpec {
  ca?: { secretName: string };
  selfSigned?: Record<string, never>;
  acme?: Record<string, unknown>;
  vault?: Record<string, unknown>;
}
export interface Issuer extends KObject {
  spec: IssuerSpec;
  status?: { conditions?: CertManagerCondition[] };
}
export type ClusterIssuer = Issuer;

// ---- extensions.kubesphere.io/v1alpha1 ------------------------------------------------------------

export interface ServiceReference {
  namespace: string;
  name: string;
  port?: number;
  path?: string;
}

export interface ReverseProxy extends KObject {
  spec: {
    matcher: { path: string; method: string };
    upstream: {
      url?: string;
      service?: ServiceReference;
      /** ks-apiserver base64-decodes this once more after JSON decoding: supply base64(base64(PEM)). */
      caBundle?: string;
      insecureSkipVerify?: boolean;
    };
    directives?: {
      method?: string;
      stripPathPrefix?: string;
      stripPathSuffix?: string;
      headerUp?: string[];
      headerDown?: string[];
      rewrite?: string[];
      replace?: string[];
      pathRegexp?: string[];
      changeOrigin?: boolean;
      authProxy?: boolean;
      wsProxy?: boolean;
    };
  };
  status?: { state?: string; conditions?: Array<Record<string, unknown>> };
}

// ---- KubeSphere tenancy --------------------------------------------------------------------------

/** tenant.kubesphere.io WorkspaceTemplate (what /kapis/tenant.kubesphere.io/v1beta1/workspacetemplates lists). */
export interface WorkspaceTemplate extends KObject {
  spec?: {
    template?: { spec?: { manager?: string }; metadata?: ObjectMeta };
    placement?: { clusters?: Array<{ name: string }>; clusterSelector?: Record<string, unknown> };
  };
}

/** tenant.kubesphere.io Workspace. */
export interface Workspace extends KObject {
  spec?: { manager?: string };
}

/** cluster.kubesphere.io/v1alpha1 Cluster. */
export interface Cluster extends KObject {
  spec?: {
    joinFederation?: boolean;
    provider?: string;
    connection?: { type?: 'direct' | 'proxy'; kubernetesAPIEndpoint?: string; kubesphereAPIEndpoint?: string };
    [key: string]: unknown;
  };
  status?: {
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
    kubernetesVersion?: string;
    kubeSphereVersion?: string;
    nodeCount?: number;
    [key: string]: unknown;
  };
}

/** The label KubeSphere puts on the host cluster object. */
export const HOST_CLUSTER_LABEL = 'cluster-role.kubesphere.io/host';
/** The label that puts a namespace in a workspace. */
export const WORKSPACE_LABEL = 'kubesphere.io/workspace';
