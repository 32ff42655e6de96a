/**
 * `tsx bench/profile-summary.ts FILE.cpuprofile [--top N]`: where a server spent its CPU, from a
 * V8 profile written by `npm run bench -- --profile DIR`. Prints the functions with the most self
 * time and the same time summed per source file, mapped back through the bundle's source map.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const sourceMaps = new Map<string, SourceMap | undefined>();

function sourceMapFor(url: string): SourceMap | undefined {
  if (!sourceMaps.has(url)) {
    const file = url.startsWith('file://') ? fileURLToPath(url) : url;
    const mapFile = `${file}.map`;
    sourceMaps.set(url, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : undefined);
  }
  return sourceMaps.get(url);
}

/** "file:line" in the original source when a source map knows it, else in the running file. */
function location(frame: ProfileNode['callFrame']): { file: string; where: string } {
  if (!frame.url) return { file: '(native or V8)', where: '' };
  const entry = sourceMapFor(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber);
  if (entry && 'originalSource' in entry && entry.originalSource) {
    const file = entry.originalSource.replace(/^(\.\.\/)+/, '');
    return { file, where: `${file}:${entry.originalLine + 1}` };
  }
  const file = frame.url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, 'node_modules/');
  return { file, where: `${file}:${frame.lineNumber + 1}` };
}

function addTo(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

function summarize(profilePath: string, top: number): string {
  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfByNode = new Map<number, number>();
  profile.samples.forEach((id, i) => selfByNode.set(id, (selfByNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (const [id, micros] of selfByNode) {
    const frame = nodes.get(id)!.callFrame;
    // (idle) is the event loop waiting: not work, so shares are of the busy time.
    if (frame.functionName === '(idle)') {
      idle += micros;
      continue;
    }
    const { file, where } = location(frame);
    addTo(byFunction, `${frame.functionName || '(anonymous)'}${where ? `  ${where}` : ''}`, micros);
    addTo(byFile, file, micros);
    busy += micros;
  }
  const rows = (map: Map<string, number>): string[] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, micros]) => `${(micros / 1000).toFixed(0).padStart(8)} ms ${((micros / busy) * 100).toFixed(1).padStart(5)} %  ${key}`);
  return [
    `${path.basename(profilePath)}: ${(busy / 1e6).toFixed(2)} s busy, ${(idle / 1e6).toFixed(2)} s idle`,
    '',
    `Top ${top} functions by self time (share of busy time):`,
    ...rows(byFunction),
    '',
    'Self time per source file:',
    ...rows(byFile),
  ].join('\n');
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string' } } });
const top = Number(values.top ?? '25');
if (positionals.length === 0 || !Number.isInteger(top) || top <= 0) {
  console.error('Usage: tsx bench/profile-summary.ts FILE.cpuprofile... [--top N]');
  process.exit(2);
}
console.log(positionals.map((file) => summarize(file, top)).join('\n\n'));
