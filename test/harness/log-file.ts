// Reading a child's log file, to wait on it and to quote it in errors.
import { readFileSync } from 'node:fs';

export function readLog(logFile: string): string {
  try {
    return readFileSync(logFile, 'utf8');
  } catch {
    return '';
  }
}

/** The last `lines` lines of the log, indented, for an error message. */
export function logTail(logFile: string, lines = 40): string {
  const text = readLog(logFile).trimEnd();
  const tail = text.split('\n').slice(-lines).map((line) => `    ${line}`).join('\n');
  return `${logFile}${text ? `, last lines:\n${tail}` : ' is empty'}`;
}
