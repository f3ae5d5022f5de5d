// `npm test`: the whole suite, in the order that fails fastest, with one lab for everything that needs one.
//   1. typecheck (src, lab, e2e) and ESLint      5. Vitest "unit" (src, tests; the Helm test uses step 3's helm)
//   2. vite build                                6. Go: conformance with KubeSphere v4.1.3's files (when given)
//   3. the lab's Go binaries (cached build)      7. the lab: real Kubernetes, nodes, KubeSphere gateway, registries, console
//   4. Go: vet and test lab/cluster              8. Vitest "lab" (lab/**/*.test.ts) and 9. Playwright e2e, on that lab
// A lab that is already running (`npm start`) is used as it is. Every step runs even after a failure once the lab
// is up (their reports together say more than the first one alone); the exit code is non-zero if any failed.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labIsRunning, startLab, type RunningLab } from '../lab/start';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

function run(title: string, command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<boolean> {
  const started = Date.now();
  console.log(`\n== ${title}`);
  return new Promise(done => {
    const child = spawn(command, args, { cwd: options.cwd ?? root, env: { ...process.env, ...options.env }, stdio: 'inherit' });
    child.on('error', error => {
      console.error(`${title}: ${error.message}`);
      done(false);
    });
    child.on('close', code => {
      console.log(`== ${title}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${Math.round((Date.now() - started) / 1000)} s`);
      done(code === 0);
    });
  });
}

async function main(): Promise<number> {
  const failed: string[] = [];
  const step = async (title: string, command: string, args: string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }) => {
    if (!(await run(title, command, args, options))) failed.push(title);
  };

  // Static checks and unit tests: stop here when they fail, before the minutes the lab costs.
  await step('typecheck', 'npm', ['run', '--silent', 'typecheck']);
  await step('lint (ESLint)', 'npm', ['run', '--silent', 'lint']);
  await step('build', 'npm', ['run', '--silent', 'build']);
  await step('bundle size (gzip budget, scripts/bundle-size.ts)', 'npm', ['run', '--silent', 'size']);
  // The binaries first: on a cold machine this is the long Go build (Kubernetes from source), and it prints its
  // progress; vet and test then reuse its module download and build cache.
  await step('the lab\'s Go binaries (Kubernetes, Helm, the KubeSphere gateway; cached)', 'npx', ['tsx', 'lab/cluster/build.ts']);
  await step('Go: vet and test (lab/cluster)', 'sh', ['-c', 'go vet ./... && go test ./...'], { cwd: join(root, 'lab', 'cluster') });
  await step('unit tests (Vitest "unit")', 'npx', ['vitest', 'run', '--project', 'unit']);
  // Needs KubeSphere's own v4.1.3 files (HC_KUBESPHERE_SRC: a kubesphere/kubesphere git directory), which a fresh
  // machine cannot download (the Go proxy refuses the module): without it each test says SKIP and why, in the open.
  // After the unit tests, which write the product objects it checks (testdata/product-objects.*.json).
  await step('Go: conformance with KubeSphere v4.1.3 (lab/cluster/kubesphere)', 'bash', ['-o', 'pipefail', '-c', 'go test -count=1 -run Conformance -v ./kubesphere/ | grep -E "^(--- |ok|FAIL|PASS)|SKIP|conformance_test"'], { cwd: join(root, 'lab', 'cluster') });
  if (failed.length) return report(failed);

  let lab: RunningLab | undefined;
  if (await labIsRunning()) {
    console.log('\n== the lab: using the one that is running');
  } else {
    console.log('\n== the lab: starting');
    const started = Date.now();
    try {
      // The extension was built above.
      // With the member cluster: the multi-cluster tests and journeys need it.
      lab = await startLab({ buildExtension: false, members: Number(process.env.HC_LAB_MEMBERS ?? 1), log: line => console.log(`[lab] ${line}`) });
      console.log(`== the lab: up in ${Math.round((Date.now() - started) / 1000)} s (${JSON.stringify(lab.timings)})`);
    } catch (error) {
      console.error(`== the lab: FAILED to start: ${(error as Error).message}`);
      return report([...failed, 'the lab']);
    }
  }
  try {
    const reuse = { HC_E2E_REUSE_LAB: '1' };
    await step('lab integration tests (Vitest "lab")', 'npx', ['vitest', 'run', '--project', 'lab'], { env: reuse });
    await step('e2e (Playwright, real console)', 'npx', ['playwright', 'test'], { env: reuse });
  } finally {
    if (lab) {
      console.log('\n== the lab: stopping');
      await lab.close();
    }
  }
  return report(failed);
}

function report(failed: string[]): number {
  console.log(failed.length ? `\nnpm test: FAILED: ${failed.join(', ')}` : '\nnpm test: all passed');
  return failed.length ? 1 : 0;
}

main().then(
  code => process.exit(code),
  error => {
    console.error(error);
    process.exit(1);
  },
);
