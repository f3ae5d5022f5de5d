// `npx tsx lab/nodes/cli.ts`: run containerd, the kubelet stand-ins, the scheduler and the controllers against a
// running API stand-in (HC_API_URL or http://127.0.0.1:$HC_API_PORT, token from <labDir>/apiserver/system-token).
// Ctrl-C stops everything it started.
import { defaultLabDir } from '../registry/paths';
import { startNodes } from './index';

const labDir = defaultLabDir();
const apiUrl = process.env.HC_API_URL ?? `http://127.0.0.1:${process.env.HC_API_PORT ?? '9090'}`;
const running = await startNodes({ labDir, apiUrl });
console.log(
  `nodes ${running.nodes.map((n) => n.name).join(', ')} on ${apiUrl}: pulls via ${running.containerd ? `containerd ${running.containerd.version} (${running.containerd.socket})` : 'in-process emulation'}, ` +
    `containers run in ${running.execMode} mode; node roots under ${labDir}/nodes`,
);
const shutdown = async () => {
  await running.close();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
