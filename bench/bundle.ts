/**
 * Bundles the programs the benchmark starts as child processes (comparison targets, generator
 * and its worker) so they run on plain `node`, like the Relay server does: no TypeScript loader
 * in their CPU or memory figures. Packages stay external and load from node_modules.
 */
import path from 'node:path';
import { build } from 'esbuild';
import { BENCH_DIST, REPO_ROOT } from './paths';

const ENTRIES: Record<string, string> = {
  'minimal-relay': 'bench/targets/minimal-relay.ts',
  'socketio-server': 'bench/targets/socketio-server.ts',
  generator: 'bench/generator/main.ts',
  'generator-worker': 'bench/generator/worker.ts',
};

export async function bundleBenchPrograms(): Promise<void> {
  await build({
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, path.join(REPO_ROOT, file)])),
    outdir: BENCH_DIST,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    logLevel: 'warning',
  });
}
