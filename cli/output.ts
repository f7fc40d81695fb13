/**
 * Small pieces of the CLI's output: numbers with separators, the campaign
 * progress line.
 */
import type { Progress } from '../fuzz/campaign.js';

export const number = (n: number) => Math.round(n).toLocaleString('en-US');

export function progressLine(p: Progress): string {
  const left = p.secondsLeft === undefined ? '' : ` · ${Math.ceil(p.secondsLeft)} s left`;
  return `runs ${number(p.runs)} (${number(p.runsPerSecond)}/s) · interleavings ${number(p.interleavings)} · failures ${p.failures}${left}`;
}
