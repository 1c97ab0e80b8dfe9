/**
 * The protobuf wire format, read by hand (https://protobuf.dev/programming-guides/encoding/):
 * varints, 64-bit fixed fields, length-delimited fields, and skipping what the
 * reader does not ask for. Every read is bounded by the end of the message it
 * is in, so a length past its message, a cut varint or a bad wire type is an
 * error naming the byte, never a read past the body or a hang.
 *
 *   0a 05 68 65 6c 6c 6f  → field 1, wire type 2 (length-delimited), 5 bytes: "hello"
 */

/** Wire types (the low 3 bits of a tag). Groups (3, 4) are not used by OTLP; they are skipped like protobufjs does. */
const VARINT = 0;
const I64 = 1;
const LEN = 2;
const SGROUP = 3;
const EGROUP = 4;
const I32 = 5;

const WIRE_TYPE_NAMES = ['varint', '64-bit', 'length-delimited', 'group start', 'group end', '32-bit', 'wire type 6', 'wire type 7'];

/** Nesting deeper than this is refused: protobufjs's and protoc's default recursion limit, so the same bodies pass. */
export const MAX_DEPTH = 100;

/** A body that is not valid protobuf: where, and why. */
export class WireFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireFormatError';
  }
}

const TWO_POW_32 = 4294967296;

/**
 * Strings up to this many bytes are interned: OTLP repeats the same keys,
 * metric names, units and values (`service.name`, `recovery.member.lag`,
 * `eu-1a`) in every resource and point. Returning the string decoded last time
 * for the same bytes saves a native decode and an allocation, and the string's
 * hash is already computed for the Map lookups that follow.
 */
const INTERNED_MAX_BYTES = 64;
const INTERNED_SLOTS = 4096; // × 64 bytes: a 256 KiB table, shared by all requests
const internedBytes = new Uint8Array(INTERNED_SLOTS * INTERNED_MAX_BYTES);
const internedLength = new Int32Array(INTERNED_SLOTS).fill(-1);
const internedString: string[] = new Array<string>(INTERNED_SLOTS).fill('');

/**
 * UTF-8 to string: Node's Buffer#utf8Slice, what `toString('utf8', start, end)` calls after
 * checking its arguments (protobufjs reads strings with it too); toString where it is missing.
 */
type Utf8Buffer = Buffer & { utf8Slice?(start: number, end: number): string };
const utf8: (buf: Utf8Buffer, start: number, end: number) => string =
  typeof (Buffer.prototype as Utf8Buffer).utf8Slice === 'function'
    ? (buf, start, end) => buf.utf8Slice!(start, end)
    : (buf, start, end) => buf.toString('utf8', start, end);

const internedView = new DataView(internedBytes.buffer);

/** The `length` bytes at `start` of a body are those interned at `at`: compared four at a time, the last four overlapping. */
function sameBytes(view: DataView, start: number, at: number, length: number): boolean {
  if (length < 4) {
    for (let i = 0; i < length; i++) if (internedBytes[at + i] !== view.getUint8(start + i)) return false;
    return true;
  }
  for (let i = 0; i < length - 4; i += 4) if (internedView.getUint32(at + i, true) !== view.getUint32(start + i, true)) return false;
  return internedView.getUint32(at + length - 4, true) === view.getUint32(start + length - 4, true);
}

/**
 * What a reader derives from a string, remembered per interned string: `service.name` → its
 * attribute kind, `recovery.member.lag` → its metric. A hit is a slot index and a pointer
 * comparison, not a Map lookup that hashes and compares a string decoded from another request.
 */
export class InternedMemo<T> {
  private readonly texts = new Array<string | undefined>(INTERNED_SLOTS).fill(undefined);
  private readonly values = new Array<T | undefined>(INTERNED_SLOTS).fill(undefined);

  constructor(private readonly derive: (text: string) => T) {}

  /** `derive(text)` for the string `reader.string()` just returned. */
  get(reader: WireReader, text: string): T {
    const slot = reader.internedSlot;
    if (slot >= 0 && this.texts[slot] === text) return this.values[slot] as T;
    const value = this.derive(text);
    if (slot >= 0) {
      this.texts[slot] = text;
      this.values[slot] = value;
    }
    return value;
  }
}

/** Reads one protobuf message body, front to back. */
export class WireReader {
  /** The next byte to read. */
  pos = 0;
  /** The interned slot of the string `string()` returned last; -1 when it was not interned. */
  internedSlot = -1;
  /** The same bytes, for reading words. */
  readonly view: DataView;

  constructor(readonly buf: Buffer) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /**
   * A tag, a length, an int32, an enum or a bool: a varint of up to 10 bytes, its
   * low 32 bits unsigned (what protobufjs reads; callers take `| 0` or `!== 0`).
   */
  uint32(end: number): number {
    const pos = this.pos;
    if (pos < end) {
      const byte = this.buf[pos]!;
      if (byte < 0x80) {
        this.pos = pos + 1;
        return byte;
      }
    }
    return this.uint32Long(end);
  }

  /** An int64 varint as a number (nearest double, as protobufjs's Long.toNumber gives). */
  int64(end: number): number {
    const buf = this.buf;
    const start = this.pos;
    let lo = 0;
    let hi = 0;
    let pos = start;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw this.error(`varint cut short at byte ${pos}`);
      const byte = buf[pos++]!;
      const bits = byte & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= bits << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (7 * i - 32);
      if (byte < 0x80) {
        this.pos = pos;
        return (hi | 0) * TWO_POW_32 + (lo >>> 0);
      }
    }
    throw this.error(`varint at byte ${start} is longer than 10 bytes`);
  }

  /** A fixed64 (times in nanoseconds) as a number. */
  fixed64(end: number): number {
    const pos = this.take(8, end);
    return this.view.getUint32(pos + 4, true) * TWO_POW_32 + this.view.getUint32(pos, true);
  }

  /** An sfixed64 (`as_int`) as a number. */
  sfixed64(end: number): number {
    const pos = this.take(8, end);
    return this.view.getInt32(pos + 4, true) * TWO_POW_32 + this.view.getUint32(pos, true);
  }

  double(end: number): number {
    return this.view.getFloat64(this.take(8, end), true);
  }

  /** The end of a length-delimited field whose length was just read, checked against the end of the message it is in. */
  endOf(length: number, end: number): number {
    const fieldEnd = this.pos + length;
    if (fieldEnd > end) throw this.error(`length ${length} at byte ${this.pos} runs past the end of its message (byte ${end})`);
    return fieldEnd;
  }

  /** A length-delimited string. Invalid UTF-8 becomes U+FFFD (Node's decoder), as protobufjs does with this schema. */
  string(end: number): string {
    const length = this.uint32(end);
    const start = this.pos;
    const stop = this.endOf(length, end);
    this.pos = stop;
    this.internedSlot = -1;
    if (length === 0) return '';
    if (length > INTERNED_MAX_BYTES) return utf8(this.buf, start, stop);
    const buf = this.buf;
    // A hash of the length and the first and last four bytes (read as words), which is what tells
    // OTLP's strings apart (`member-1`, `member-2`); the comparison below decides, a word at a time.
    const view = this.view;
    let first: number;
    let last: number;
    if (length >= 4) {
      first = view.getUint32(start, true);
      last = view.getUint32(stop - 4, true);
    } else {
      first = buf[start]! | (buf[stop - 1]! << 8);
      last = buf[start + (length >>> 1)]!;
    }
    let hash = Math.imul(first ^ length, 0x9e3779b1) ^ last;
    hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b); // murmur3's finalizer: every input bit reaches the slot bits
    hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
    const slot = (hash ^ (hash >>> 16)) & (INTERNED_SLOTS - 1);
    const at = slot * INTERNED_MAX_BYTES;
    this.internedSlot = slot;
    if (internedLength[slot] === length && sameBytes(view, start, at, length)) return internedString[slot]!;
    const text = utf8(buf, start, stop);
    for (let i = 0; i < length; i++) internedBytes[at + i] = buf[start + i]!;
    internedLength[slot] = length;
    internedString[slot] = text;
    return text;
  }

  /** A length-delimited field's bytes, as a view (no copy), like protobufjs gives them. */
  bytes(end: number): Buffer {
    const length = this.uint32(end);
    const start = this.pos;
    this.pos = this.endOf(length, end);
    return this.buf.subarray(start, this.pos);
  }

  /**
   * Skip a field the reader does not read, by its wire type, as protobufjs's
   * `skipType` does: a group is skipped to its end tag (each element one level
   * deeper), field number 0 and wire types 4, 6, 7 are errors.
   */
  skip(tag: number, end: number, depth: number): void {
    const fieldNumber = tag >>> 3;
    if (depth > MAX_DEPTH) throw this.error(`nesting deeper than ${MAX_DEPTH} levels at byte ${this.pos}`);
    if (fieldNumber === 0) throw this.error(`field number 0 before byte ${this.pos}`);
    switch (tag & 7) {
      case VARINT:
        this.skipVarintRest(end, this.pos);
        return;
      case I64:
        this.take(8, end);
        return;
      case LEN:
        this.pos = this.endOf(this.uint32(end), end);
        return;
      case SGROUP:
        for (;;) {
          if (this.pos >= end) throw this.error(`group of field ${fieldNumber} not closed before byte ${end}`);
          const inner = this.uint32(end);
          if ((inner & 7) === EGROUP) {
            if (inner >>> 3 !== fieldNumber) throw this.error(`group of field ${fieldNumber} closed by field ${inner >>> 3} before byte ${this.pos}`);
            return;
          }
          this.skip(inner, end, depth + 1);
        }
      case I32:
        this.take(4, end);
        return;
      default:
        throw this.error(`${WIRE_TYPE_NAMES[tag & 7]} (field ${fieldNumber}) is not valid here, before byte ${this.pos}`);
    }
  }

  /** A field Rebound reads arrived with another wire type: not what any OTLP encoder writes. */
  wrongWireType(tag: number, message: string, field: string, expected: number): WireFormatError {
    return this.error(
      `${message}.${field} (field ${tag >>> 3}) arrived as ${WIRE_TYPE_NAMES[tag & 7]}, expected ${WIRE_TYPE_NAMES[expected]}, before byte ${this.pos}`,
    );
  }

  error(message: string): WireFormatError {
    return new WireFormatError(message);
  }

  /** Advance over `count` bytes within `end`; returns where they start. */
  private take(count: number, end: number): number {
    const pos = this.pos;
    if (pos + count > end) throw this.error(`${count}-byte field at byte ${pos} runs past the end of its message (byte ${end})`);
    this.pos = pos + count;
    return pos;
  }

  /** uint32 beyond one byte. */
  private uint32Long(end: number): number {
    const buf = this.buf;
    const start = this.pos;
    if (start + 1 < end && buf[start + 1]! < 0x80) {
      this.pos = start + 2;
      return (buf[start]! & 0x7f) | (buf[start + 1]! << 7);
    }
    let pos = start;
    let value = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw this.error(`varint cut short at byte ${pos}`);
      const byte = buf[pos++]!;
      if (i < 4) value |= (byte & 0x7f) << (7 * i);
      else if (i === 4) value |= byte << 28; // the low 4 bits of the fifth byte are bits 28–31
      if (byte < 0x80) {
        this.pos = pos;
        return value >>> 0;
      }
    }
    throw this.error(`varint at byte ${start} is longer than 10 bytes`);
  }

  /** Move past a varint that starts at `start`: at most 10 bytes. */
  private skipVarintRest(end: number, start: number): void {
    const buf = this.buf;
    for (let pos = start; pos < start + 10; pos++) {
      if (pos >= end) throw this.error(`varint cut short at byte ${pos}`);
      if (buf[pos]! < 0x80) {
        this.pos = pos + 1;
        return;
      }
    }
    throw this.error(`varint at byte ${start} is longer than 10 bytes`);
  }
}
