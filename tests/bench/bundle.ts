/**
 * Scenario 6, "bundle": every script Kehila loads into a web page before the manager touches
 * anything — the manifest's content scripts (built-in sites) and the forum script the
 * background registers for each tracked forum — minified and gzipped, with what makes each one
 * big (bytes by original source, through the source maps of an identical build).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { transform } from 'esbuild';
import { EXTENSION_DIR } from '@/lib/cli/browser';
import { skipped, type BenchResult } from './harness';
import { buildWithSourceMaps, bytesBySource } from './profile';

export const SCENARIO = '6-bundle';
const LIMIT_BYTES = 150_000;
const TARGET = '< 150 KB (150,000 bytes) minified per script loaded into a page before the first interaction';

interface Manifest {
  content_scripts?: { js?: string[] }[];
}

/** Content scripts: the manifest's, and those only registered at run time (content-scripts/*.js). */
function pageScripts(dir: string): { file: string; loadedBy: string }[] {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const declared = new Set((manifest.content_scripts ?? []).flatMap((entry) => entry.js ?? []));
  const registered = existsSync(path.join(dir, 'content-scripts'))
    ? readdirSync(path.join(dir, 'content-scripts'))
        .filter((name) => name.endsWith('.js'))
        .map((name) => `content-scripts/${name}`)
    : [];
  return [
    ...[...declared].map((file) => ({ file, loadedBy: 'manifest content_scripts' })),
    ...registered.filter((file) => !declared.has(file)).map((file) => ({ file, loadedBy: 'scripting.registerContentScripts (tracked forums)' })),
  ];
}

/** npm packages by name; project code by folder (lib/adapters, lib/content …). */
function areaOf(source: string): string {
  if (source.startsWith('npm:') || source.startsWith('(')) return source;
  const parts = source.split('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : source;
}

export async function bundleScenario(): Promise<BenchResult> {
  if (!existsSync(path.join(EXTENSION_DIR, 'manifest.json'))) return skipped(SCENARIO, TARGET, `no build at ${EXTENSION_DIR}`);
  const mapped = await buildWithSourceMaps();
  const scripts = [];
  for (const { file, loadedBy } of pageScripts(EXTENSION_DIR)) {
    const built = readFileSync(path.join(EXTENSION_DIR, file), 'utf8');
    // The build is minified already; minifying again shows nothing was left on the table.
    const minified = (await transform(built, { minify: true, loader: 'js' })).code;
    const bytes = Math.min(Buffer.byteLength(built), Buffer.byteLength(minified));
    const map = path.join(mapped, file);
    const sources = existsSync(`${map}.map`) ? bytesBySource(map) : [];
    const kB = (size: number) => Math.round(size / 100) / 10;
    const areas = new Map<string, number>();
    for (const { source, bytes: size } of sources) areas.set(areaOf(source), (areas.get(areaOf(source)) ?? 0) + size);
    scripts.push({
      file,
      loadedBy,
      builtBytes: Buffer.byteLength(built),
      minifiedBytes: bytes,
      gzipBytes: gzipSync(bytes === Buffer.byteLength(built) ? built : minified, { level: 9 }).length,
      met: bytes < LIMIT_BYTES,
      byAreaKB: Object.fromEntries([...areas.entries()].sort((a, b) => b[1] - a[1]).map(([area, size]) => [area, kB(size)])),
      topContributorsKB: sources.slice(0, 15).map(({ source, bytes: size }) => ({ source, kB: kB(size) })),
    });
  }
  const largest = Math.max(0, ...scripts.map((script) => script.minifiedBytes));
  return {
    scenario: SCENARIO,
    scripts,
    largestMinifiedBytes: largest,
    target: TARGET,
    met: scripts.length > 0 && scripts.every((script) => script.met),
  };
}
