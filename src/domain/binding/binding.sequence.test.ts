// Random sequences of our binds and unbinds, someone else's edits of the same list, and lost requests and
// responses, against one ServiceAccount held in memory with resourceVersion semantics. After every write, and
// after every one of our operations: someone else's imagePullSecrets entries are exactly as that actor last left
// them (same entries, same relative order, none twice), our secret is there at most once, and an operation that
// reported success left the list as it asked (bind: our secret present; unbind: absent).
//
// Real code all the way down to the request: the planners (planForTarget, planBinding/planUnbinding with the
// replace strategy, replanBindingWrite), applyStaged and its "Retry failed" (`previous`), the executor the pages
// apply with (planExecutor, src/api/write.ts: resend on a transient failure; on 409/422 re-read, report unchanged
// when the write's intent already holds, else re-plan from the fresh read), its retry policy (src/api/retry.ts),
// and the error predicates (src/api/errors.ts). The in-memory API server applies PATCHes with applyJsonPatch (src/domain/plan/jsonpatch.ts).
// Stood in: the resource client behind clientFor (no HTTP: GET, PATCH and PUT go to the in-memory server) and
// sleep (the backoff resolves at once, so the retries cost no time).
//
// Out of scope: our own operations run one after the other (one user), and a request either arrives when sent or
// never; a copy that arrives late (after the client gave up on it and sent it again) is not modelled.
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import type { ServiceAccount } from 'kubernetes-types/core/v1';
import { planBinding, planUnbinding } from './index';
import { planForTarget, type BindTarget } from './target';
import { applyJsonPatch, deepClone, deepEqual, JsonPatchError } from '../plan/jsonpatch';
import { applyStaged } from '../plan/apply';
import type { JsonPatchOperation, Write, WriteOutcome } from '../plan/write';
import { ApiError } from '../../api/errors';
import { planExecutor } from '../../api/write';
import type { ClusterContext } from '../../api/cluster';

// The one ServiceAccount the mocked client serves (set per run).
const api = vi.hoisted(() => ({ server: undefined as unknown as InMemoryServiceAccount }));

vi.mock('../../api/resources', () => ({
  clientFor: (apiVersion: string, kind: string) =>
    apiVersion === 'v1' && kind === 'ServiceAccount'
      ? {
          type: { namespaced: true },
          get: async (_c: unknown, name: string, opts: { namespace?: string }) => api.server.get(name, opts.namespace),
          patch: async (_c: unknown, name: string, patch: unknown, patchType: string, opts: { namespace?: string }) =>
            api.server.patch(name, opts.namespace, patch, patchType),
          replace: async (_c: unknown, body: Record<string, unknown>, opts: { namespace?: string }) => api.server.replace(body, opts.namespace),
        }
      : undefined,
}));

vi.mock('../async', async (importOriginal) => ({ ...(await importOriginal<typeof import('../async')>()), sleep: async () => undefined }));

const SECRET = 'harbor-example-com-pull';
const NAMESPACE = 'demo';
const SA_NAME = 'builder';
const TARGET: BindTarget = { kind: 'ServiceAccount', name: SA_NAME };
const CLUSTER: ClusterContext = { name: 'host', multiCluster: false };
/** Names only the foreign actor uses. */
const FOREIGN = ['dockerhub', 'legacy-harbor', 'gcr', 'quay-robot', 'ecr', 'ghcr'];

// ---------- the foreign actor ----------

/** Someone else's edit (kubectl edit, another controller), made atomically on the server with its own guard. */
type ForeignEdit =
  | { type: 'add'; name: number; at: number } // a new entry of its own at a position
  | { type: 'remove'; which: number } // one of its own entries
  | { type: 'move'; from: number; to: number } // any entry, ours included (it reorders the list)
  | { type: 'touch' }; // a label change: a new resourceVersion, the same list

const foreignEditArb: fc.Arbitrary<ForeignEdit> = fc.oneof(
  fc.record({ type: fc.constant('add' as const), name: fc.nat({ max: FOREIGN.length - 1 }), at: fc.nat({ max: 8 }) }),
  fc.record({ type: fc.constant('remove' as const), which: fc.nat({ max: 8 }) }),
  fc.record({ type: fc.constant('move' as const), from: fc.nat({ max: 8 }), to: fc.nat({ max: 8 }) }),
  fc.constant({ type: 'touch' as const }),
);

// ---------- the network ----------

/**
 * What happens to one request. lost-response: the server handled it (a write is applied, or refused) and the
 * answer never came back (client timeout); never-arrived: dropped before the server (network error);
 * unavailable: the multi-cluster proxy's 503 (not applied).
 */
type Fault = 'ok' | 'lost-response' | 'never-arrived' | 'unavailable';
/** Before request n: the foreign actor's edits, then what happens to the request. */
interface Slot {
  foreign: ForeignEdit[];
  fault: Fault;
}
const QUIET: Slot = { foreign: [], fault: 'ok' };

const slotArb: fc.Arbitrary<Slot> = fc.record({
  foreign: fc.oneof({ weight: 3, arbitrary: fc.constant<ForeignEdit[]>([]) }, { weight: 1, arbitrary: fc.array(foreignEditArb, { minLength: 1, maxLength: 2 }) }),
  fault: fc.oneof(
    { weight: 6, arbitrary: fc.constant('ok' as const) },
    { weight: 2, arbitrary: fc.constant('lost-response' as const) },
    { weight: 2, arbitrary: fc.constant('never-arrived' as const) },
    { weight: 1, arbitrary: fc.constant('unavailable' as const) },
  ),
});

const status = (code: number, reason: string, message: string, details?: unknown) => ({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message, details });

// ---------- the API server ----------

const names = (o: { imagePullSecrets?: ServiceAccount['imagePullSecrets'] }): string[] => (o.imagePullSecrets ?? []).map((r) => r.name ?? '');
const ours = (list: readonly string[]) => list.filter((n) => n === SECRET).length;
const others = (list: readonly string[]) => list.filter((n) => n !== SECRET);

interface Stats {
  ops: number;
  quietOps: number;
  succeeded: number;
  guardRefusals: number;
  appliedButLost: number;
  neverArrived: number;
  foreignEdits: number;
}

/**
 * One ServiceAccount as kube-apiserver keeps it: every change gets a new resourceVersion (a write that changes
 * nothing keeps it), an empty list is not stored (omitempty: a read shows no `imagePullSecrets`), a PUT with a stale
 * resourceVersion is answered 409, a JSON patch is applied whole or not at all (422 when an op fails, with the
 * json-patch text as the cause, or, as some servers answer, without causes).
 */
class InMemoryServiceAccount {
  private obj: ServiceAccount;
  private rv = 100;
  /** The foreign entries in the order the foreign actor last left them. */
  foreignOrder: string[];
  readonly violations: string[] = [];
  /** True once a write of ours has landed (from then on our secret is there at most once). */
  oursWritten = false;

  constructor(
    initial: string[],
    private readonly slots: Slot[],
    private readonly bareInvalid: boolean,
    readonly stats: Stats,
  ) {
    this.obj = this.normalize({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: SA_NAME, namespace: NAMESPACE, uid: 'b2a7c0de-0000-4000-8000-000000000001', creationTimestamp: '2024-05-06T08:01:00Z', resourceVersion: String(this.rv) },
      imagePullSecrets: initial.map((name) => ({ name })),
    });
    this.foreignOrder = others(initial);
  }

  /** True when every request from now on arrives and is answered, with no foreign edit before it. */
  quiet(): boolean {
    return this.slots.every((s) => s.fault === 'ok' && !s.foreign.length);
  }

  /** The list now (for the checks; not a request). */
  list(): string[] {
    return names(this.obj);
  }

  /** A read that is not a request of the executor: what the page loaded and the user reviewed. */
  snapshot(): ServiceAccount {
    return deepClone(this.obj);
  }

  get(name: string, namespace: string | undefined): ServiceAccount {
    return this.request(name, namespace, () => deepClone(this.obj));
  }

  patch(name: string, namespace: string | undefined, patch: unknown, patchType: string): ServiceAccount {
    return this.request(name, namespace, () => {
      // imagePullSecrets is atomic: anything but a JSON patch would replace the whole list.
      if (patchType !== 'json') {
        this.violations.push(`a ${patchType} patch of an atomic list: ${JSON.stringify(patch)}`);
        throw ApiError.fromResponse(415, status(415, 'UnsupportedMediaType', 'not modelled'));
      }
      const ops = patch as JsonPatchOperation[];
      let next: ServiceAccount;
      try {
        next = applyJsonPatch(this.obj, ops);
      } catch (e) {
        if (!(e instanceof JsonPatchError)) throw e;
        const op = ops[e.opIndex]?.op;
        const cause =
          e.code === 'test-failed'
            ? `testing value ${e.path} failed: test failed`
            : `${op} operation does not apply: ${op === 'test' ? 'is' : 'doc is'} missing path: ${e.path}`;
        this.stats.guardRefusals++;
        throw ApiError.fromResponse(
          422,
          status(422, 'Invalid', 'the server rejected our request due to an error in our request', this.bareInvalid ? undefined : { causes: [{ reason: 'UnexpectedServerResponse', message: cause }] }),
        );
      }
      return this.commit(next, `PATCH ${JSON.stringify(ops)}`);
    });
  }

  replace(body: Record<string, unknown>, namespace: string | undefined): ServiceAccount {
    const m = (body.metadata ?? {}) as { name?: string; resourceVersion?: string };
    return this.request(m.name ?? '', namespace, () => {
      if (m.resourceVersion !== this.obj.metadata!.resourceVersion) {
        this.stats.guardRefusals++;
        throw ApiError.fromResponse(
          409,
          status(409, 'Conflict', `Operation cannot be fulfilled on serviceaccounts "${SA_NAME}": the object has been modified; please apply your changes to the latest version and try again`),
        );
      }
      const next = { ...deepClone(body), metadata: { ...deepClone(body.metadata as object), uid: this.obj.metadata!.uid, creationTimestamp: this.obj.metadata!.creationTimestamp } };
      return this.commit(next as ServiceAccount, `PUT ${JSON.stringify(names(next as ServiceAccount))}`);
    });
  }

  /** Someone else's edit, applied at once (it guards its own read-modify-write). */
  foreignEdit(edit: ForeignEdit): void {
    const list = this.list();
    const labels = { ...(this.obj.metadata!.labels ?? {}) };
    const mine = list.map((n, i) => (n === SECRET ? -1 : i)).filter((i) => i >= 0);
    switch (edit.type) {
      case 'add': {
        const name = [...FOREIGN.slice(edit.name), ...FOREIGN.slice(0, edit.name)].find((n) => !list.includes(n));
        if (!name) return;
        list.splice(edit.at % (list.length + 1), 0, name);
        break;
      }
      case 'remove':
        if (!mine.length) return;
        list.splice(mine[edit.which % mine.length], 1);
        break;
      case 'move': {
        if (list.length < 2) return;
        const [moved] = list.splice(edit.from % list.length, 1);
        list.splice(edit.to % (list.length + 1), 0, moved);
        break;
      }
      case 'touch':
        labels.touched = String(Number(labels.touched ?? 0) + 1);
        break;
    }
    this.stats.foreignEdits++;
    this.foreignOrder = others(list);
    this.commit({ ...this.obj, metadata: { ...this.obj.metadata, labels }, imagePullSecrets: list.map((name) => ({ name })) }, `foreign ${edit.type}`, true);
  }

  private request<T>(name: string, namespace: string | undefined, handle: () => T): T {
    const slot = this.slots.shift() ?? QUIET;
    for (const edit of slot.foreign) this.foreignEdit(edit);
    if (name !== SA_NAME || namespace !== NAMESPACE) {
      this.violations.push(`a request for ${namespace}/${name}`);
      throw ApiError.fromResponse(404, status(404, 'NotFound', `serviceaccounts "${name}" not found`));
    }
    if (slot.fault === 'never-arrived') {
      this.stats.neverArrived++;
      throw new ApiError({ kind: 'network', message: 'network error' });
    }
    if (slot.fault === 'unavailable') throw ApiError.fromResponse(503, { ErrStatus: status(503, 'ServiceUnavailable', 'cluster host is not ready') });
    const lost = () => new ApiError({ kind: 'timeout', timeoutMs: 30_000, message: 'timeout' });
    const rvBefore = this.rv;
    let answer: T;
    try {
      answer = handle();
    } catch (e) {
      if (slot.fault === 'lost-response') throw lost();
      throw e;
    }
    if (slot.fault === 'lost-response') {
      if (this.rv !== rvBefore) this.stats.appliedButLost++;
      throw lost();
    }
    return answer;
  }

  private normalize(o: ServiceAccount): ServiceAccount {
    const out = deepClone(o);
    if (!out.imagePullSecrets?.length) delete out.imagePullSecrets;
    if (out.metadata && !Object.keys(out.metadata.labels ?? {}).length) delete out.metadata.labels;
    return out;
  }

  private commit(next: ServiceAccount, what: string, foreign = false): ServiceAccount {
    const n = this.normalize(next);
    const strip = (o: ServiceAccount) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
    if (deepEqual(strip(n), strip(this.obj))) return deepClone(this.obj);
    n.metadata = { ...n.metadata, resourceVersion: String(++this.rv) };
    const list = names(n);
    if (!deepEqual(others(list), this.foreignOrder)) this.violations.push(`${what}: foreign entries ${JSON.stringify(others(list))}, expected ${JSON.stringify(this.foreignOrder)} (before: ${JSON.stringify(this.list())})`);
    if (!foreign) {
      if (ours(list) > 1) this.violations.push(`${what}: our secret ${ours(list)} times in ${JSON.stringify(list)}`);
      this.oursWritten = true;
    }
    this.obj = n;
    return deepClone(n);
  }
}

// ---------- our operations ----------

/**
 * One bind or unbind as the pages do it: read the ServiceAccount, the user reviews the plan (the foreign actor may
 * edit meanwhile), Apply runs applyStaged with planExecutor, then "Retry failed" up to `retries` times.
 */
interface OurOp {
  mode: 'bind' | 'unbind';
  /** How the page's plan writes the ServiceAccount: the guarded JSON patch (what the pages plan) or a replace. */
  strategy: 'json-patch' | 'replace';
  whileReviewing: ForeignEdit[];
  retries: number;
}

const ourOpArb: fc.Arbitrary<OurOp> = fc.record({
  mode: fc.constantFrom('bind' as const, 'unbind' as const),
  strategy: fc.oneof({ weight: 3, arbitrary: fc.constant('json-patch' as const) }, { weight: 1, arbitrary: fc.constant('replace' as const) }),
  whileReviewing: fc.array(foreignEditArb, { maxLength: 2 }),
  retries: fc.nat({ max: 2 }),
});

/**
 * The list the run starts with: some foreign entries and our secret once, not at all, or (rarely: someone else
 * added it by hand) twice; or no list at all.
 */
const initialArb = fc
  .tuple(
    fc.shuffledSubarray(FOREIGN, { maxLength: 4 }),
    fc.oneof(
      { weight: 4, arbitrary: fc.array(fc.nat({ max: 4 }), { maxLength: 1 }) },
      { weight: 1, arbitrary: fc.array(fc.nat({ max: 5 }), { minLength: 2, maxLength: 2 }) },
    ),
  )
  .map(([foreign, at]) => {
    const list = [...foreign];
    for (const i of at) list.splice(i % (list.length + 1), 0, SECRET);
    return list;
  });

function failuresAreApiErrors(outcomes: readonly WriteOutcome[]): void {
  for (const o of outcomes) if (o.status === 'failed') expect(o.error, JSON.stringify(o.write)).toBeInstanceOf(ApiError);
}

/** The page: plan from what was read and reviewed, Apply, "Retry failed". True when no write failed. */
async function viaPage(server: InMemoryServiceAccount, op: OurOp): Promise<boolean> {
  const read = server.snapshot();
  for (const edit of op.whileReviewing) server.foreignEdit(edit);
  const plan =
    op.strategy === 'json-patch'
      ? planForTarget(read as Record<string, unknown>, TARGET, SECRET, op.mode)
      : (op.mode === 'bind' ? planBinding : planUnbinding)({ secretName: SECRET, serviceAccounts: [read] }, { strategy: 'replace' });
  const writes: Write[] = plan.writes;
  const execute = planExecutor(CLUSTER);
  let outcomes = await applyStaged(writes, execute, { stopOnFailure: true });
  for (let i = 0; i < op.retries && outcomes.some((o) => o.status === 'failed'); i++) {
    outcomes = await applyStaged(writes, execute, { previous: outcomes, stopOnFailure: true });
  }
  failuresAreApiErrors(outcomes);
  return outcomes.every((o) => o.status !== 'failed');
}

describe('binding sequences: binds, unbinds, foreign edits and lost responses', () => {
  it('never drop, duplicate or reorder a foreign entry; a reported success leaves our secret as asked', async () => {
    const stats: Stats = { ops: 0, quietOps: 0, succeeded: 0, guardRefusals: 0, appliedButLost: 0, neverArrived: 0, foreignEdits: 0 };
    await fc.assert(
      fc.asyncProperty(
        initialArb,
        fc.array(ourOpArb, { minLength: 1, maxLength: 8 }),
        fc.array(slotArb, { maxLength: 50 }),
        fc.boolean(),
        async (initial, ops, slots, bareInvalid) => {
          const server = new InMemoryServiceAccount(initial, [...slots], bareInvalid, stats);
          api.server = server;
          let last: { mode: OurOp['mode']; ok: boolean } | undefined;
          for (const op of ops) {
            const quiet = server.quiet();
            const ok = await viaPage(server, op);
            stats.ops++;
            if (ok) stats.succeeded++;
            if (quiet) stats.quietOps++;
            // Liveness: with nothing in the way from the apply on (the plan may still be stale), it finishes.
            if (quiet) expect(ok, `${op.mode} failed on a quiet network`).toBe(true);
            expect(server.violations).toEqual([]);
            const list = server.list();
            expect(others(list)).toEqual(server.foreignOrder);
            // At most once, once we wrote (before that it is there as someone else left it: binding plans nothing then).
            expect(ours(list)).toBeLessThanOrEqual(server.oursWritten ? 1 : ours(initial));
            if (ok) expect(list.includes(SECRET), `${op.mode} reported success: ${JSON.stringify(list)}`).toBe(op.mode === 'bind');
            last = { mode: op.mode, ok };
          }
          // At the end: the foreign entries as the foreign actor left them, and a final success holds.
          const list = server.list();
          expect(others(list)).toEqual(server.foreignOrder);
          if (last?.ok) expect(list.includes(SECRET)).toBe(last.mode === 'bind');
        },
      ),
      { numRuns: 300 },
    );
    // The runs did reach the paths this is about: refused guards (re-plans), writes applied with the answer lost,
    // writes that never arrived, foreign edits; and most operations succeeded despite them.
    expect(stats.quietOps).toBeGreaterThan(0);
    expect(stats.guardRefusals).toBeGreaterThan(0);
    expect(stats.appliedButLost).toBeGreaterThan(0);
    expect(stats.neverArrived).toBeGreaterThan(0);
    expect(stats.foreignEdits).toBeGreaterThan(0);
    expect(stats.succeeded / stats.ops).toBeGreaterThan(0.8);
  });
});
