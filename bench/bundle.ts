/**
 * Bundles the programs the benchmark starts as child processes (comparison targets, generator
 * and its worker) so they run on plain `node`, like the Relay server does: no TypeScript loader
 * in their CPU or memory figures. Packages stay external and load from node_modules.
 * A file is only replaced when it changed, and then atomically, because another benchmark run on
 * the same tree may be starting these very files.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { BENCH_DIST, REPO_ROOT } from './paths';

const ENTRIES: Record<string, string> = {
  'minimal-relay': 'bench/targets/minimal-relay.ts',
  'socketio-server': 'bench/targets/socketio-server.ts',
  'socketio-cluster-server': 'bench/targets/socketio-cluster-server.ts',
  generator: 'bench/generator/main.ts',
  'generator-worker': 'bench/generator/worker.ts',
};

function replaceIfChanged(file: string, contents: Uint8Array): void {
  if (existsSync(file) && Buffer.compare(readFileSync(file), contents) === 0) return;
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
}

export async function bundleBenchPrograms(): Promise<void> {
  const { outputFiles } = await build({
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, path.join(REPO_ROOT, file)])),
    outdir: BENCH_DIST,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    logLevel: 'warning',
    write: false,
  });
  for (const output of outputFiles) replaceIfChanged(output.path, output.contents);
}
