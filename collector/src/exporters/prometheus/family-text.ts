/**
 * One metric family's series over every group, as the bytes a scrape sends.
 * Groups hand in re-rendered text only when their values changed; the next
 * scrape splices those into the previous bytes, copying each unchanged run of
 * groups in one go. So a tick with 2 % of groups changing costs a scrape a
 * memcpy of the family and the formatting of those 2 %.
 */
const NOT_ASCII = /[^\x00-\x7f]/;
const EMPTY = Buffer.alloc(0);

/**
 * A buffer to render into: the spare one when it is free and large enough, else a
 * new one with headroom. Reusing matters: each fresh 70 MiB of buffers is external
 * memory that V8 answers with a full collection of the engine's heap (~200 ms).
 */
export function bufferFor(size: number, spare: Buffer | undefined, reuse: boolean): Buffer {
  if (reuse && spare !== undefined && spare.length >= size) return spare;
  // Its own allocation, not a slice of Node's shared pool; a tenth more, so growing values rarely reallocate.
  return Buffer.allocUnsafeSlow(Math.ceil(size * 1.1) + 4096);
}

export class FamilyText {
  /** Current bytes are `buffer[0, length)`; `spare` is the one before, reused when no scrape still sends it. */
  private buffer: Buffer = EMPTY;
  private spare: Buffer | undefined;
  private bytes: Buffer = EMPTY;
  /** Group `g`'s series are bytes `offsets[g]` to `offsets[g + 1]`; groups beyond `groupsInBytes` have none yet. */
  private offsets = new Uint32Array(1);
  private groupsInBytes = 0;
  /** Re-rendered text by group index, waiting for the next scrape. */
  private readonly pending = new Map<number, string>();

  /** Replace group `group`'s series in this family ('' for none). */
  set(group: number, text: string): void {
    this.pending.set(group, text);
  }

  /**
   * The family's bytes with every pending change spliced in. `reuse` says no
   * scrape is in flight: the buffer rendered before last may be written again.
   * Otherwise the result is never written to while a scraper may still send it.
   */
  render(groupCount: number, reuse: boolean): Buffer {
    if (this.pending.size === 0 && groupCount === this.groupsInBytes) return this.bytes;
    const changed = Array.from(this.pending.keys()).sort((a, b) => a - b);
    const texts = changed.map((g) => this.pending.get(g)!);
    const encodings = texts.map((t): BufferEncoding => (NOT_ASCII.test(t) ? 'utf8' : 'latin1'));
    const old = this.bytes;
    const oldOffsets = this.offsets;
    const oldLength = (g: number): number => (g < this.groupsInBytes ? oldOffsets[g + 1]! - oldOffsets[g]! : 0);
    let size = old.length;
    changed.forEach((g, i) => (size += (encodings[i] === 'latin1' ? texts[i]!.length : Buffer.byteLength(texts[i]!, 'utf8')) - oldLength(g)));
    const target = bufferFor(size, this.spare, reuse);
    const next = target.subarray(0, size);
    const offsets = new Uint32Array(groupCount + 1);
    let pos = 0;
    let cursor = 0;
    /** Copy groups [cursor, until) unchanged, in one copy for the part that has bytes. */
    const copyRun = (until: number): void => {
      const end = Math.min(until, this.groupsInBytes);
      if (cursor < end) {
        const shift = pos - oldOffsets[cursor]!;
        for (let g = cursor; g < end; g++) offsets[g] = oldOffsets[g]! + shift;
        pos += old.copy(next, pos, oldOffsets[cursor]!, oldOffsets[end]!);
      }
      for (let g = Math.max(cursor, end); g < until; g++) offsets[g] = pos;
      cursor = until;
    };
    changed.forEach((g, i) => {
      copyRun(g);
      offsets[g] = pos;
      pos += next.write(texts[i]!, pos, encodings[i]!);
      cursor = g + 1;
    });
    copyRun(groupCount);
    offsets[groupCount] = pos;
    this.spare = this.buffer === EMPTY ? undefined : this.buffer;
    this.buffer = target;
    this.bytes = next;
    this.offsets = offsets;
    this.groupsInBytes = groupCount;
    this.pending.clear();
    return next;
  }
}
