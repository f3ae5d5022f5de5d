// The benches' side of bench/apply-plan/standin.ts: forks it, waits for its `ready` message, and talks to it by
// request/response over IPC (each request carries an id; the child answers with the same id, or with `error`).
// One client for the three benches that run a stand-in (apply-plan, list-requests.seed, multicluster-apply).
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StandinReady } from './standin';

const standinPath = path.join(path.dirname(fileURLToPath(import.meta.url)), 'standin.ts');

export interface Standin {
  ready: StandinReady;
  /** One request to the child; rejects when it answers with an error. */
  call(message: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Asks the child to stop its servers and waits for it to exit (nothing if it already has). */
  close(): Promise<void>;
}

/** Forks the stand-in with `env` added to this process's environment; resolves once it is ready. */
export async function startStandinProcess(env: Record<string, string>): Promise<Standin> {
  const child = fork(standinPath, [], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let nextId = 1;
  const pending = new Map<number, { resolve(m: Record<string, unknown>): void; reject(e: Error): void }>();
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ready = await new Promise<StandinReady>((resolve, reject) => {
    child.on('message', (m: Record<string, unknown>) => {
      if (m.type === 'ready') return resolve(m as unknown as StandinReady);
      if (typeof m.id !== 'number') return;
      const waiter = pending.get(m.id);
      pending.delete(m.id);
      if (typeof m.error === 'string') waiter?.reject(new Error(m.error));
      else waiter?.resolve(m);
    });
    void exited.then((code) => {
      const error = new Error(`stand-in exited (${code})`);
      reject(error);
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
    });
  });
  const call = (message: Record<string, unknown>) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ ...message, id });
    });
  return {
    ready,
    call,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // The child exits while answering `close`: its exit settles the call.
      await call({ type: 'close' }).catch(() => undefined);
      await exited;
    },
  };
}
