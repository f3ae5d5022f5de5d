// Runs the lab API stand-in alone: `npx tsx lab/apiserver/src/main.ts` (or `npm run lab:api`).
// HC_LAB_DIR (default <repo>/.lab) holds the state; HC_API_PORT (default 9090) is the port.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApiServer } from './server';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const labDir = path.resolve(process.env.HC_LAB_DIR ?? path.join(repoRoot, '.lab'));
const port = Number(process.env.HC_API_PORT ?? 9090);

const server = await startApiServer({ port, labDir, repoRoot });
console.log(server.url);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
