#!/usr/bin/env node
/**
 * Runs before `npm start` and `npm test` (npm's pre-scripts), on plain Node with no packages:
 * installs what is missing so both commands work on a fresh clone.
 *  - npm packages: `npm ci` when node_modules is absent or older than the lockfile.
 *  - Debian packages for the browser tests and the demo: chromium (+ chromium-l10n for the
 *    Hebrew UI), xvfb and xdotool (a virtual display on which the browser's own permission
 *    prompt can be answered). Installed with apt-get when running as root; otherwise this
 *    says what to install and carries on.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const log = (line) => process.stderr.write(`kehila: ${line}\n`);
const run = (command, args) => spawnSync(command, args, { stdio: 'inherit' }).status === 0;
const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

function ensureNodeModules() {
  const marker = 'node_modules/.package-lock.json';
  const stale = !existsSync(marker) || (existsSync('package-lock.json') && statSync('package-lock.json').mtimeMs > statSync(marker).mtimeMs);
  if (!stale) return;
  log('installing npm packages…');
  if (!run('npm', existsSync('package-lock.json') ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'])) {
    log('npm could not install the packages; see above.');
    process.exit(1);
  }
}

function ensureSystemPackages() {
  if (process.env.KEHILA_SKIP_SYSTEM_DEPS === '1') return;
  const missing = [];
  const chromium = process.env.CHROME_PATH || '/usr/bin/chromium';
  if (!existsSync(chromium)) missing.push('chromium');
  if (existsSync('/usr/lib/chromium') && !existsSync('/usr/lib/chromium/locales/he.pak')) missing.push('chromium-l10n');
  else if (!existsSync('/usr/lib/chromium')) missing.push('chromium-l10n');
  if (!has('Xvfb')) missing.push('xvfb', 'xauth');
  if (!has('xdotool')) missing.push('xdotool');
  if (!missing.length) return;
  const isRoot = process.getuid?.() === 0;
  if (isRoot && has('apt-get')) {
    log(`installing Debian packages: ${missing.join(' ')}…`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const ok =
      spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env }).status === 0 &&
      spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env }).status === 0;
    if (ok) return;
    log('apt-get could not install them; see above.');
  }
  log(`missing system packages: ${missing.join(' ')}. Install them (Debian/Ubuntu: sudo apt-get install ${missing.join(' ')}),`);
  log('or set CHROME_PATH to a Chromium/Chrome binary. Browser tests and the demo need them.');
}

ensureNodeModules();
ensureSystemPackages();
