// The seams between the parts of the lab API stand-in, so each part can be written and tested alone.
// store.ts + kube.ts (Kubernetes semantics) implement Store and the Kubernetes REST surface;
// kubesphere/*.ts (console endpoints, users, RBAC) implement Authenticator, Authorizer and a RouteHandler;
// server.ts composes them: authenticate -> kubesphere routes -> kubernetes routes -> log unknown path.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** Where a resource lives: group '' is the core group. */
export interface ResourceType {
  group: string;
  version: string;
  /** plural, lower case: 'secrets', 'serviceaccounts', 'workspacetemplates' */
  resource: string;
  kind: string;
  namespaced: boolean;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: KObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
export interface WatchEvent {
  type: WatchEventType;
  object: KObject;
}

/** A Kubernetes Status failure; the REST layer writes it as a Status body with this code. */
export class ApiError extends Error {
  constructor(
    public readonly code: number,
    public readonly reason: string,
    message: string,
    public readonly details?: {
      name?: string;
      group?: string;
      kind?: string;
      causes?: Array<{ reason?: string; message?: string; field?: string }>;
    },
  ) {
    super(message);
  }
  toStatus(): KObject & Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      details: this.details,
      code: this.code,
    };
  }
}

/** Options of a write (extension of the first contract; all optional). */
export interface WriteOptions {
  /** ?dryRun=All: run defaulting, admission and validation, store nothing. */
  dryRun?: boolean;
  /** 'status': change only .status (the status subresource). */
  subresource?: string;
}

export interface DeleteOptions {
  dryRun?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** A type another part registers (extension of the first contract). */
export interface ResourceTypeDefinition extends ResourceType {
  singular?: string;
  shortNames?: string[];
  categories?: string[];
  /** e.g. ['status'] */
  subresources?: string[];
  /** true: backed by a CustomResourceDefinition object (listed by `kubectl get crd`, CR semantics). Default true. */
  custom?: boolean;
}

/** The object store with Kubernetes semantics (one resourceVersion sequence for all kinds, like etcd). */
export interface Store {
  types(): ResourceType[];
  typeFor(group: string, resource: string): ResourceType | undefined;
  typeForKind(apiVersion: string, kind: string): ResourceType | undefined;
  get(type: ResourceType, namespace: string | undefined, name: string): KObject | undefined;
  list(type: ResourceType, namespace: string | undefined, options?: ListOptions): ListResult;
  /** Fills uid, resourceVersion, creationTimestamp, generation, name from generateName; 409 AlreadyExists.
   *  Also defaulting, admission (pods: service account) and validation (422), like the apiserver's registry. */
  create(type: ResourceType, obj: KObject, options?: WriteOptions): KObject;
  /** 409 Conflict when obj.metadata.resourceVersion is set and stale; 404 when missing. */
  update(type: ResourceType, obj: KObject, options?: WriteOptions): KObject;
  /** Returns the deleted object; with finalizers pending it stays, with deletionTimestamp set. */
  delete(type: ResourceType, namespace: string | undefined, name: string, options?: DeleteOptions): KObject;
  /** Deletes what list() with these options would return; answers the deleted objects. */
  deleteCollection(type: ResourceType, namespace: string | undefined, options?: ListOptions & { dryRun?: boolean }): KObject[];
  /** Adds a type (custom ones also get their CustomResourceDefinition object). Idempotent. */
  registerType(def: ResourceTypeDefinition): ResourceType;
  /** Events after resourceVersion (exclusive); 410 Gone when it is too old. Returns an unsubscribe function. */
  watch(
    type: ResourceType,
    namespace: string | undefined,
    options: ListOptions & { resourceVersion?: string },
    onEvent: (event: WatchEvent) => void,
  ): () => void;
}

export interface LabUser {
  name: string;
  groups: string[];
}

/** What a request asks to do, as Kubernetes RBAC sees it. */
export interface RequestAttributes {
  verb: 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection' | string;
  apiGroup: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface Authenticator {
  /** The user behind the request's bearer token, or undefined when it has none or a bad one. */
  authenticate(req: IncomingMessage): LabUser | undefined;
}

export interface Authorizer {
  authorize(user: LabUser, attributes: RequestAttributes): { allowed: boolean; reason?: string };
}

export interface RequestContext {
  store: Store;
  user?: LabUser;
  authorizer: Authorizer;
  /** Absolute folder for lab state (HC_LAB_DIR, default <repo>/.lab). */
  labDir: string;
  /** Absolute path of the repository root (the extension's dist/index.js is under it). */
  repoRoot: string;
}

/** Returns true when it answered the request. */
export type RouteHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: RequestContext,
) => Promise<boolean>;
