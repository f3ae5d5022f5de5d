// `npx tsx lab/registry/cli.ts`: run the lab registries in the foreground (Ctrl-C stops them).
import { startRegistries } from './index';

const running = await startRegistries();
for (const r of running.registries) {
  console.log(`registry ${r.name}: ${r.url} (trust ${r.caPath})${r.seeded.length ? `, seeded ${r.seeded.join(', ')}` : ''}`);
}
const shutdown = async () => {
  await running.close();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
