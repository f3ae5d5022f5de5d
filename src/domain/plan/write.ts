// One shape for every write the extension makes (shared/DESIGN.md, "Writes are plans").
// Domain code builds lists of these; the API layer applies them; the review step shows them.

export type WriteAction = 'create' | 'replace' | 'patch' | 'delete';
export type PatchType = 'json' | 'merge' | 'strategic-merge';

/** A JSON Patch operation (RFC 6902). */
export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

export type WriteEffect = 'rolls-workload' | 'deletes-data' | 'isolates-egress';

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
}

export type WriteOutcome =
  | { status: 'done'; write: Write; result?: unknown }
  | { status: 'unchanged'; write: Write }
  | { status: 'failed'; write: Write; error: unknown };
