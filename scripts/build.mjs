// Bundles every runnable piece with esbuild. Type checking is `npm run typecheck` (tsc).
import { build } from 'esbuild';

const production = process.argv.includes('--production');

/** Native or optional modules that must stay outside the bundles. */
const nodeExternals = ['better-sqlite3', 'bufferutil', 'utf-8-validate'];

const targets = [
  // The server and the terminal client are CLIs run with `node`.
  { entryPoints: ['server/cli.ts'], outfile: 'dist/server/cli.js', platform: 'node', banner: '#!/usr/bin/env node' },
  { entryPoints: ['client/terminal/cli.ts'], outfile: 'dist/client/cli.js', platform: 'node', banner: '#!/usr/bin/env node' },
  // The VS Code extension bundles ws and zod; `vscode` is provided by the editor.
  { entryPoints: ['extension/extension.ts'], outfile: 'dist/extension/extension.js', platform: 'node', external: [...nodeExternals, 'vscode'] },
  // The chat webview runs in the editor's browser frame.
  { entryPoints: ['webview/main.ts'], outfile: 'dist/webview/chat.js', platform: 'browser', format: 'iife', target: 'es2022' },
  { entryPoints: ['webview/chat.css'], outfile: 'dist/webview/chat.css', target: 'es2022' },
  // Extension-host tests run inside VS Code; mocha is loaded from node_modules at run time.
  { entryPoints: ['test/extension-host/index.ts'], outfile: 'dist/test/extension-host/index.js', platform: 'node', external: [...nodeExternals, 'vscode', 'mocha'] },
  { entryPoints: ['test/run-electron.ts'], outfile: 'dist/test/run-electron.js', platform: 'node', external: [...nodeExternals, '@vscode/test-electron'] },
];

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  external: nodeExternals,
};

await Promise.all(
  targets.map(({ banner, ...target }) =>
    build({ ...common, ...target, ...(banner ? { banner: { js: banner } } : {}) }),
  ),
);
console.log(`built ${targets.length} bundles`);
