/** Cells and tables of the Markdown report: numbers, medians with their spread, ratios. */
import type { Spread } from './stats';

export function fixed(digits: number): (value: number) => string {
  return (value) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Milliseconds with about three significant digits. */
export function ms(value: number): string {
  return fixed(value < 10 ? 2 : value < 100 ? 1 : 0)(value);
}

export const count = fixed(0);

export function cell(values: Spread | undefined, format: (value: number) => string): string {
  if (!values) return '–';
  if (values.runs === 1 || values.min === values.max) return format(values.median);
  return `${format(values.median)} [${format(values.min)}–${format(values.max)}]`;
}

export function ratioCell(value: Spread | undefined, baseline: Spread | undefined): string {
  if (!value || !baseline || baseline.median === 0) return '–';
  return `${(value.median / baseline.median).toFixed(2)}×`;
}

export function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}
