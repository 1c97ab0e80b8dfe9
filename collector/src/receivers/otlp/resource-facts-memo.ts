import type { AttributeFacts } from './attribute-facts';

/**
 * A Resource's facts remembered by its bytes. An exporter sends the same
 * resource (service.name, service.instance.id, host.name, the SDK's
 * attributes…) byte for byte in every request, and reading its attributes is
 * a third of mapping a request. A Resource message seen before gives the facts
 * read then, and the number of budget items it held, so the request's budget
 * counts the same. Facts depend only on the bytes and the limits they were
 * read with, which are part of the key; they are never changed once made.
 *
 *   0a 1c 0a 0c "service.name" 12 0c 0a 0a "payments" …  → {group: "payments", …}, 18 items
 */
export interface RememberedResource {
  facts: AttributeFacts;
  /** Budget items inside the Resource message (attributes, values and what they hold). */
  items: number;
}

/** Resources longer than this are read each time: OTLP resources are a few hundred bytes. */
const MAX_BYTES = 1024;
const SLOTS = 4096; // ≤ 4 MiB of copies at the most, shared by all requests; a few hundred KiB for a few hundred resources

interface Slot extends RememberedResource {
  bytes: DataView;
  hash: number;
  maxAttributes: number;
  maxValueLength: number;
}

const slots: (Slot | undefined)[] = new Array<Slot | undefined>(SLOTS).fill(undefined);

/** The resource last found or remembered at each body offset (modulo SLOTS). */
const byOffset: (Slot | undefined)[] = new Array<Slot | undefined>(SLOTS).fill(undefined);

/** The hash of the bytes recallResource looked up last, for remember. */
let lastHash = 0;

/** The facts remembered for the Resource bytes [start, end) of `body`, read with these limits; undefined if none. */
export function recallResource(body: DataView, start: number, end: number, maxAttributes: number, maxValueLength: number): RememberedResource | undefined {
  const length = end - start;
  if (length > MAX_BYTES) return undefined;
  // An exporter lays its requests out alike: the resource found at this offset last time is the likeliest, and needs no hash.
  const atOffset = byOffset[start & (SLOTS - 1)];
  if (atOffset !== undefined && matches(atOffset, body, start, length, maxAttributes, maxValueLength)) return atOffset;
  const hash = hashBytes(body, start, end);
  lastHash = hash;
  const found =
    recallAt(hash & (SLOTS - 1), hash, body, start, length, maxAttributes, maxValueLength) ??
    recallAt(otherSlot(hash), hash, body, start, length, maxAttributes, maxValueLength);
  if (found !== undefined) byOffset[start & (SLOTS - 1)] = found;
  return found;
}

/** Each resource may sit in one of two slots (a few hundred resources in 4096 slots collide otherwise, and evict each other every request). */
function otherSlot(hash: number): number {
  return (hash >>> 16) & (SLOTS - 1);
}

function recallAt(at: number, hash: number, body: DataView, start: number, length: number, maxAttributes: number, maxValueLength: number): Slot | undefined {
  const slot = slots[at];
  return slot !== undefined && slot.hash === hash && matches(slot, body, start, length, maxAttributes, maxValueLength) ? slot : undefined;
}

/** The remembered resource is these bytes, read with these limits. */
function matches(slot: Slot, body: DataView, start: number, length: number, maxAttributes: number, maxValueLength: number): boolean {
  if (slot.bytes.byteLength !== length || slot.maxAttributes !== maxAttributes || slot.maxValueLength !== maxValueLength) return false;
  return sameBytes(slot.bytes, body, start, length);
}

/** Remember the facts read from the Resource bytes [start, end) that recallResource just missed. */
export function rememberResource(
  body: DataView,
  start: number,
  end: number,
  maxAttributes: number,
  maxValueLength: number,
  facts: AttributeFacts,
  items: number,
): void {
  const length = end - start;
  if (length > MAX_BYTES) return;
  const copy = new Uint8Array(length);
  copy.set(new Uint8Array(body.buffer, body.byteOffset + start, length));
  const first = lastHash & (SLOTS - 1);
  const at = slots[first] === undefined || slots[otherSlot(lastHash)] !== undefined ? first : otherSlot(lastHash);
  const slot: Slot = { bytes: new DataView(copy.buffer), hash: lastHash, maxAttributes, maxValueLength, facts, items };
  slots[at] = slot;
  byOffset[start & (SLOTS - 1)] = slot;
}

/**
 * Every byte in, eight at a time in two lanes (two resources of one group differ in a few bytes in
 * the middle: `member-3`, `member-4`), through a DataView: a word load, not four byte loads.
 */
function hashBytes(view: DataView, start: number, end: number): number {
  let lane1 = end - start;
  let lane2 = 0;
  let pos = start;
  for (; pos + 8 <= end; pos += 8) {
    lane1 = (Math.imul(lane1, 31) + view.getInt32(pos, true)) | 0;
    lane2 = (Math.imul(lane2, 37) + view.getInt32(pos + 4, true)) | 0;
  }
  for (; pos < end; pos++) lane1 = (Math.imul(lane1, 31) + view.getUint8(pos)) | 0;
  const hash = Math.imul(lane1 ^ (lane2 >>> 15), 0x85ebca6b) ^ lane2;
  return (hash ^ (hash >>> 13)) >>> 0;
}

function sameBytes(remembered: DataView, view: DataView, start: number, length: number): boolean {
  let i = 0;
  for (; i + 8 <= length; i += 8) {
    if (remembered.getInt32(i, true) !== view.getInt32(start + i, true) || remembered.getInt32(i + 4, true) !== view.getInt32(start + i + 4, true))
      return false;
  }
  for (; i < length; i++) if (remembered.getUint8(i) !== view.getUint8(start + i)) return false;
  return true;
}
