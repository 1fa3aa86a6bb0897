/**
 * `npm test`: the whole suite, in order — type check and lint, unit + adapter + real-page
 * corpus tests, the production build, then the browser end-to-end tests — and one closing
 * line with the totals ("N passed, N failed, N skipped").
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface Totals {
  passed: number;
  failed: number;
  skipped: number;
}
const totals: Totals = { passed: 0, failed: 0, skipped: 0 };
const failedStages: string[] = [];
const reports = mkdtempSync(path.join(os.tmpdir(), 'kehila-test-'));

function step(name: string, command: string, args: string[]): boolean {
  process.stdout.write(`\n── ${name}: ${[command, ...args].join(' ')}\n`);
  const ok = spawnSync(command, args, { stdio: 'inherit' }).status === 0;
  if (!ok) failedStages.push(name);
  return ok;
}

/** A stage that is a check, not a test file: it counts as one test in the totals. */
function check(name: string, command: string, args: string[]): void {
  if (step(name, command, args)) totals.passed += 1;
  else totals.failed += 1;
}

function vitest(name: string, config: string): void {
  const report = path.join(reports, `${name}.json`);
  step(name, 'npx', ['vitest', 'run', '--config', config, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
  try {
    const result = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
    totals.passed += result.numPassedTests;
    totals.failed += result.numFailedTests;
    totals.skipped += result.numPendingTests + result.numTodoTests;
  } catch {
    // No report: vitest could not even start; the stage already counts as failed.
    totals.failed += 1;
  }
}

check('typecheck', 'npx', ['tsc', '--noEmit', '-p', '.']);
check('lint', 'npx', ['eslint', '.']);
vitest('unit', 'tests/vitest.config.ts');
if (step('build', 'npx', ['wxt', 'build'])) {
  check('firefox build', 'npx', ['wxt', 'build', '-b', 'firefox']);
  vitest('e2e', 'tests/e2e/vitest.config.ts');
} else {
  totals.failed += 1;
}

process.stdout.write(`\n${failedStages.length ? `failed stages: ${failedStages.join(', ')}\n` : ''}`);
process.stdout.write(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exitCode = failedStages.length || totals.failed ? 1 : 0;
