/**
 * A small SVG line chart: linear x, logarithmic y, one polyline per series, optional dashed
 * threshold line. Enough for the docs' p95-against-clients plot without a plotting dependency.
 */
export interface ChartSeries {
  name: string;
  points: Array<[x: number, y: number]>;
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** A horizontal dashed line, e.g. the pass/fail limit. */
  threshold?: { y: number; label: string };
}

const WIDTH = 760;
const HEIGHT = 440;
const MARGIN = { top: 48, right: 190, bottom: 56, left: 72 };
const COLORS = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e'];

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Round steps (1, 2, 5 × 10^n) giving about `count` ticks over [0, max]. */
function linearTicks(max: number, count: number): number[] {
  const rough = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= rough)!;
  return Array.from({ length: Math.floor(max / step) + 1 }, (_, i) => i * step);
}

function formatTick(value: number): string {
  return value >= 1 ? value.toLocaleString('en-US', { maximumFractionDigits: 0 }) : String(Number(value.toPrecision(1)));
}

export function renderLineChart(chart: LineChart): string {
  const points = chart.series.flatMap((series) => series.points);
  if (points.length === 0) throw new Error(`chart "${chart.title}" has no data points`);
  const ys = [...points.map(([, y]) => y), ...(chart.threshold ? [chart.threshold.y] : [])].filter((y) => y > 0);
  const xMax = Math.max(...points.map(([x]) => x));
  const yMinExp = Math.floor(Math.log10(Math.min(...ys)));
  const yMaxExp = Math.max(yMinExp + 1, Math.ceil(Math.log10(Math.max(...ys))));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const xTicks = linearTicks(xMax, 6);
  const xEnd = Math.max(xMax, xTicks.at(-1)!);
  const sx = (x: number): number => MARGIN.left + (x / xEnd) * plotWidth;
  const sy = (y: number): number =>
    MARGIN.top + plotHeight - ((Math.log10(Math.max(y, 10 ** yMinExp)) - yMinExp) / (yMaxExp - yMinExp)) * plotHeight;
  const px = (value: number): string => value.toFixed(1);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(chart.title)}</text>`,
  ];
  for (const x of xTicks) {
    parts.push(
      `<line x1="${px(sx(x))}" y1="${MARGIN.top}" x2="${px(sx(x))}" y2="${MARGIN.top + plotHeight}" stroke="#e5e5e5"/>`,
      `<text x="${px(sx(x))}" y="${MARGIN.top + plotHeight + 18}" text-anchor="middle">${formatTick(x)}</text>`,
    );
  }
  for (let exponent = yMinExp; exponent <= yMaxExp; exponent++) {
    const y = 10 ** exponent;
    parts.push(
      `<line x1="${MARGIN.left}" y1="${px(sy(y))}" x2="${MARGIN.left + plotWidth}" y2="${px(sy(y))}" stroke="#e5e5e5"/>`,
      `<text x="${MARGIN.left - 8}" y="${px(sy(y) + 4)}" text-anchor="end">${formatTick(y)}</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#333"/>`,
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 14}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`,
    `<text transform="translate(18 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeXml(chart.yLabel)}</text>`,
  );
  if (chart.threshold) {
    const y = px(sy(chart.threshold.y));
    parts.push(
      `<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotWidth}" y2="${y}" stroke="#555" stroke-dasharray="6 4"/>`,
      `<text x="${MARGIN.left + plotWidth - 4}" y="${Number(y) - 6}" text-anchor="end" fill="#555">${escapeXml(chart.threshold.label)}</text>`,
    );
  }
  chart.series.forEach((series, i) => {
    const color = COLORS[i % COLORS.length]!;
    const sorted = [...series.points].sort((a, b) => a[0] - b[0]);
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${sorted.map(([x, y]) => `${px(sx(x))},${px(sy(y))}`).join(' ')}"/>`);
    for (const [x, y] of sorted) parts.push(`<circle cx="${px(sx(x))}" cy="${px(sy(y))}" r="3.5" fill="${color}"/>`);
    const legendY = MARGIN.top + 12 + i * 22;
    const legendX = MARGIN.left + plotWidth + 16;
    parts.push(
      `<line x1="${legendX}" y1="${legendY}" x2="${legendX + 22}" y2="${legendY}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${legendX + 28}" y="${legendY + 4}">${escapeXml(series.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
