// The running lab's control socket, <labDir>/control.sock: what a test process asks of the lab process it does not
// own (the e2e suite and the lab tests reuse a lab that `npm start` or the test runner started). Today one thing:
// an outage of a cluster's kube-apiserver, stopped and started again with the same flags and data, as a member
// cluster that stops answering mid-apply.
//   POST /clusters/<name>/apiserver/stop    POST /clusters/<name>/apiserver/start
// Lab-only; a Unix socket, so only processes on this machine that can read the lab folder reach it.
import { createServer, request, type Server } from 'node:http';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningCluster } from './cluster';

export const controlSocketPath = (labDir: string) => join(labDir, 'control.sock');

export async function serveLabControl(labDir: string, clusters: RunningCluster[], log: (line: string) => void): Promise<{ close(): Promise<void> }> {
  const socket = controlSocketPath(labDir);
  rmSync(socket, { force: true });
  const byName = new Map(clusters.map(c => [c.spec.name, c]));
  const server: Server = createServer((req, res) => {
    const m = /^\/clusters\/([^/]+)\/apiserver\/(stop|start)$/.exec(req.url ?? '');
    const cluster = m && byName.get(m[1]!);
    if (req.method !== 'POST' || !m || !cluster) {
      res.writeHead(404).end(`no such control: ${req.method} ${req.url}\n`);
      return;
    }
    log(`control: ${m[2]} the kube-apiserver of ${m[1]}`);
    (m[2] === 'stop' ? cluster.apiServer.stop() : cluster.apiServer.start()).then(
      () => res.writeHead(200).end('ok\n'),
      error => res.writeHead(500).end(`${(error as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socket, resolve));
  return {
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve());
        rmSync(socket, { force: true });
      }),
  };
}

/** Asks the running lab for `path` (e.g. /clusters/member-1/apiserver/stop); resolves once it is done. */
export function labControl(labDir: string, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: controlSocketPath(labDir), path, method: 'POST' }, res => {
      let body = '';
      res.on('data', chunk => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`lab control ${path}: HTTP ${res.statusCode} ${body.trim()}`))));
    });
    req.on('error', error => reject(new Error(`lab control ${path}: ${error.message} (is the lab running?)`)));
    req.end();
  });
}
