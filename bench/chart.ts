/**
 * A benchmark's results as an SVG bar chart a person can read at a glance:
 * one group per workload, one horizontal bar per subject (fastest first,
 * length proportional to its median within the group), lockstep's bars
 * in a colour of their own, each labelled with its median and its ratio
 * against the best peer of the same run. No dependency: the SVG is
 * written by hand.
 *
 * @example
 * writeFileSync('queue.svg', renderChart('MPMC queue', 'ns per item', rows));
 */

export interface ChartRow {
  workload: string;
  subject: string;
  medianNs: number;
  bestPeer: string;
  vsBestPeer: number;
}

const WIDTH = 760;
const LABEL = 250; // the subject's name, left of the bar
const BAR = 18;
const GAP = 6;

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

/** The chart; rows of one workload are drawn fastest first. */
export function renderChart(title: string, unit: string, rows: readonly ChartRow[]): string {
  if (rows.length === 0) throw new RangeError('renderChart: no rows to draw');
  const workloads = [...new Set(rows.map((r) => r.workload))];
  const parts: string[] = [];
  let y = 30;
  parts.push(`<text x="10" y="20" font-size="15" font-weight="bold">${escape(title)} — ${escape(unit)}, median (lower is faster)</text>`);
  for (const workload of workloads) {
    const group = rows.filter((r) => r.workload === workload).sort((a, b) => a.medianNs - b.medianNs);
    const max = Math.max(...group.map((r) => r.medianNs));
    y += 16;
    parts.push(`<text x="10" y="${y}" font-size="13" font-weight="bold">${escape(workload)}</text>`);
    y += 6;
    for (const r of group) {
      const length = Math.max(1, ((WIDTH - LABEL - 190) * r.medianNs) / max);
      const ours = r.subject.startsWith('lockstep');
      parts.push(
        `<text x="${LABEL - 6}" y="${y + BAR - 5}" font-size="12" text-anchor="end">${escape(r.subject)}</text>`,
        `<rect x="${LABEL}" y="${y}" width="${length.toFixed(1)}" height="${BAR}" fill="${ours ? '#d9480f' : '#868e96'}"><title>${escape(`${r.subject}: ${fmt(r.medianNs)} ${unit}`)}</title></rect>`,
        `<text x="${(LABEL + length + 6).toFixed(1)}" y="${y + BAR - 5}" font-size="12">${fmt(r.medianNs)}${Number.isNaN(r.vsBestPeer) ? '' : ` (${r.vsBestPeer.toFixed(2)}× ${escape(r.bestPeer)})`}</text>`,
      );
      y += BAR + GAP;
    }
  }
  const height = y + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
