/** Runs of the built `relay-chat` CLI for tests: output collected, stdin fed, all killed at the end. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

export const CLI = path.resolve(__dirname, '../../../dist/client/cli.js');

export interface CliRun {
  child: ChildProcessWithoutNullStreams;
  output: { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

export class CliRuns {
  private readonly runs: CliRun[] = [];

  /** Starts the CLI with `configDir` as its config folder (in `cwd`, else here); `input` is written to stdin, which ends unless kept open. */
  run(args: string[], input: string, configDir: string, keepStdinOpen = false, cwd?: string): CliRun {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, RELAY_CHAT_CONFIG_DIR: configDir, NO_COLOR: '1' },
      ...(cwd !== undefined ? { cwd } : {}),
    });
    const output = { stdout: '', stderr: '' };
    child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.stdin.write(input);
    if (!keepStdinOpen) child.stdin.end();
    const cliRun = { child, output, exited };
    this.runs.push(cliRun);
    return cliRun;
  }

  killAll(): void {
    for (const { child } of this.runs.splice(0)) if (child.exitCode === null) child.kill();
  }
}
