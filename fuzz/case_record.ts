/**
 * A worker's record of what it is doing, kept where its parent can read it
 * after the worker dies: the case it is running (written before every run)
 * or the failure it found and is shrinking. It must be cheap (one write per
 * run: a positioned write, ~3 µs, where a file rewritten and renamed costs
 * ~150 µs here) and never read half-written, whatever kills the writer.
 *
 * So a record is framed — `LSREC1 <seq> <length> <fnv1a>\n<json>` — and
 * written with one positioned write at offset 0 of one of two files, taken
 * in turn (the file is never truncated: the frame says where the record
 * ends). A writer killed in the middle of a write leaves at most the
 * record it was writing torn; its checksum says so, and the other file
 * still holds the one before. The reader takes the newest whole record,
 * and says when a newer one is torn: the writer died while writing it,
 * before it ran what it describes.
 *
 * @example
 * const w = new RecordWriter('/out/.lockstep-x-w0.case');
 * w.write({ scenario });                // before the run
 * readRecord('/out/.lockstep-x-w0.case'); // { seq: 1, value: { scenario }, torn: false }
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

import { hashText } from './seeds.js';

const MAGIC = 'LSREC1';

export class RecordWriter {
  private readonly fds: [number, number];
  private seq = 0;
  /** The error of the first write that failed (a full disk): records are off from then on. */
  failed: Error | undefined;

  constructor(readonly base: string) {
    this.fds = [openSync(`${base}.a`, 'w'), openSync(`${base}.b`, 'w')];
  }

  /** Records `value` (JSON); returns its sequence number. Never throws: a failed write turns records off. */
  write(value: unknown): number {
    const seq = ++this.seq;
    if (this.failed !== undefined) return seq;
    const json = JSON.stringify(value);
    const frame = Buffer.from(`${MAGIC} ${seq} ${Buffer.byteLength(json)} ${hashText(json).toString(16)}\n${json}`);
    try {
      const fd = this.fds[seq % 2]!;
      for (let done = 0; done < frame.length; ) done += writeSync(fd, frame, done, frame.length - done, done);
    } catch (e) {
      this.failed = e as Error;
    }
    return seq;
  }

  close(): void {
    for (const fd of this.fds) closeSync(fd);
  }
}

export interface Record {
  seq: number;
  value: unknown;
}

/** The newest whole record of `base`, and whether a newer one was torn; undefined when there is none. */
export function readRecord(base: string): { newest: Record | undefined; torn: boolean } {
  const whole: Record[] = [];
  let tornSeq = -1;
  for (const file of [`${base}.a`, `${base}.b`]) {
    let text: Buffer;
    try {
      text = readFileSync(file);
    } catch {
      continue;
    }
    const eol = text.indexOf(10);
    const head = /^LSREC1 (\d+) (\d+) ([0-9a-f]+)$/.exec(text.subarray(0, eol < 0 ? 0 : eol).toString('latin1'));
    if (head === null) continue; // never written, or torn in its header: no sequence to compare
    const seq = Number(head[1]);
    const json = text.subarray(eol + 1, eol + 1 + Number(head[2])).toString('utf8');
    if (Buffer.byteLength(json) !== Number(head[2]) || hashText(json).toString(16) !== head[3]) {
      tornSeq = Math.max(tornSeq, seq);
      continue;
    }
    try {
      whole.push({ seq, value: JSON.parse(json) as unknown });
    } catch {
      tornSeq = Math.max(tornSeq, seq);
    }
  }
  const newest = whole.sort((p, q) => q.seq - p.seq)[0];
  return { newest, torn: tornSeq > (newest?.seq ?? -1) };
}

/** Removes the record's files. */
export function removeRecord(base: string): void {
  rmSync(`${base}.a`, { force: true });
  rmSync(`${base}.b`, { force: true });
}
