import { describe, expect, it } from 'vitest';

import { renderChart, type ChartRow } from './chart.js';

const rows: ChartRow[] = [
  { workload: '1p1c', subject: 'peer <b>', medianNs: 100, bestPeer: 'peer <b>', vsBestPeer: 1 },
  { workload: '1p1c', subject: 'lockstep mpmc', medianNs: 50, bestPeer: 'peer <b>', vsBestPeer: 0.5 },
  { workload: '2p2c', subject: 'peer <b>', medianNs: 10, bestPeer: 'peer <b>', vsBestPeer: 1 },
];

describe('renderChart', () => {
  it('draws a bar per row, fastest first in its group, longest for the slowest, names escaped', () => {
    const svg = renderChart('MPMC', 'ns per item', rows);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<rect x=/g)).toHaveLength(3);
    expect(svg).toContain('peer &lt;b&gt;');
    expect(svg).not.toContain('<b>');
    // In 1p1c lockstep (50) comes before the peer (100), with half its length.
    const widths = [...svg.matchAll(/<rect x="250" y="(\d+)" width="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    expect(widths[0]![0]).toBeLessThan(widths[1]![0]);
    expect(widths[0]![1] * 2).toBeCloseTo(widths[1]![1], 0);
    expect(svg).toContain('0.50× peer &lt;b&gt;');
    expect(svg).toContain('fill="#d9480f"'); // lockstep's colour
  });

  it('refuses to draw nothing', () => {
    expect(() => renderChart('x', 'ns', [])).toThrow(RangeError);
  });
});
