// One shape for every write the extension makes (docs/design.md, "Writes are plans").
// Domain code builds lists of these; the API layer applies them; the review step shows them.

export type WriteAction = 'create' | 'replace' | 'patch' | 'delete';
export type PatchType = 'json' | 'merge' | 'strategic-merge';

/** A JSON Patch operation (RFC 6902). */
export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

/**
 * What a write is for, stated so it can be checked against the object as it is now: a guarded patch whose
 * guard fails (someone changed the list, or our own earlier attempt already went through) is then either
 * already done (unchanged) or re-planned from a fresh read, instead of failing forever on retry.
 * `path` is the JSON pointer of a list of `{ name }` entries, e.g. '/imagePullSecrets'.
 */
export interface WriteIntent {
  type: 'list-contains' | 'list-lacks';
  path: string;
  name: string;
}

/** not-recreated: deletes a pod nothing owns, so nothing creates it again. */
export type WriteEffect = 'rolls-workload' | 'deletes-data' | 'isolates-egress' | 'not-recreated';

export interface Write {
  action: WriteAction;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** The whole object, for create and replace. A replace carries metadata.resourceVersion as read. */
  body?: Record<string, unknown>;
  /** For patch: a JSON Patch operation list ('json') or a partial object ('merge', 'strategic-merge'). */
  patch?: JsonPatchOperation[] | Record<string, unknown>;
  patchType?: PatchType;
  /** Why this write is in the plan, as a locale key with params, for the review step. */
  reason?: { key: string; params?: Record<string, string | number> };
  /**
   * Side effects the user must accept first, e.g. a pod-template change that rolls a workload, or a first Egress
   * NetworkPolicy that cuts the selected pods off from every destination it does not allow.
   */
  effects?: WriteEffect[];
  /** For guarded patches and replaces: the state the write establishes (see WriteIntent). */
  intent?: WriteIntent;
  /**
   * For deletes: delete only the very object that was read (uid) and, when nothing in the same plan writes it
   * first, only as it was read (resourceVersion). The API server answers 409 Conflict otherwise.
   */
  preconditions?: { uid?: string; resourceVersion?: string };
}

export type WriteOutcome =
  | { status: 'done'; write: Write; result?: unknown }
  | { status: 'unchanged'; write: Write }
  | { status: 'failed'; write: Write; error: unknown };
