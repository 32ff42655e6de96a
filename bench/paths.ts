/** Where the benchmark finds the built programs it starts. */
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..');
/** The Relay Chat server CLI, built by `npm run build`. */
export const RELAY_CLI = path.join(REPO_ROOT, 'dist', 'server', 'cli.js');
/** The benchmark's own bundles (targets, generator), built by bench/bundle.ts. */
export const BENCH_DIST = path.join(REPO_ROOT, 'dist', 'bench');

export function benchBundle(name: string): string {
  return path.join(BENCH_DIST, `${name}.js`);
}
