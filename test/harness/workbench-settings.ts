// User settings for a workbench driven by tests: nothing may open on its own and take the focus
// (the welcome walkthrough and the AI chat panel close the command palette), and nothing may go
// to the network (gallery, updates, telemetry, experiments).
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

export const quietWorkbenchSettings: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  // Installing an extension with a walkthrough would otherwise open it.
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'git.openRepositoryInParentFolders': 'never',
};

/**
 * Writes `User/settings.json` in `userDataDir`: the quiet defaults, then whatever the file already
 * held, then `overrides`.
 */
export function writeWorkbenchSettings(userDataDir: string, overrides: Record<string, unknown> = {}): void {
  const file = path.join(userDataDir, 'User', 'settings.json');
  mkdirSync(path.dirname(file), { recursive: true });
  const existing = existsSync(file) ? parseSettings(file) : {};
  writeFileSync(file, JSON.stringify({ ...quietWorkbenchSettings, ...existing, ...overrides }, null, 2));
}

function parseSettings(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    // VS Code also accepts comments and trailing commas; settings files given to tests may not use them.
    throw new Error(`${file} is not plain JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${file} does not hold a JSON object`);
  }
  return parsed as Record<string, unknown>;
}
