// The harness for tests against a real VS Code (code-server + Debian chromium); see README.md.
export { launchChromium, type Chromium } from './chromium';
export { installVsix, startCodeServer, type CodeServer, type StartCodeServerOptions } from './code-server';
export {
  runExtensionHostTests,
  type ExtensionHostTestOptions,
  type ExtensionHostTestResult,
} from './extension-host-tests';
export { codeServerBin, chromiumBin, repoRoot, testOutputDir } from './paths';
export { makeRunDir, removeRunDir } from './run-dir';
export { quietWorkbenchSettings } from './workbench-settings';
export { clickRow, openViewContainer, openWorkbench, runCommand, saveScreenshot, startCommand, treeRow, webviewFrame } from './workbench';
