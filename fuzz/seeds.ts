/**
 * Seeds for campaigns: every worker chunk's fast-check seed is derived from
 * the campaign seed, the shard, the pair and the chunk's number, so a run
 * budget is reproducible and shards of one campaign explore disjoint seeds.
 */

/** A 31-bit seed from the parts (murmur3's mixing). */
export function deriveSeed(...parts: number[]): number {
  let h = 0x9747b28c;
  for (const p of parts) {
    let k = Math.imul(p | 0, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 1) & 0x7fffffff;
}

/** FNV-1a of a string: for counting distinct interleavings. */
export function hashText(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
