import { attributeKind, type AttributeFactsReader, type AttributeKind } from './attribute-facts';
import * as messages from './protobuf-messages';
import { InternedMemo, type WireReader } from './protobuf-wire';

/**
 * A KeyValue read off the wire into an AttributeFactsReader, for map-protobuf.ts:
 * the value of an attribute Rebound does not read (`telemetry.sdk.version`) is
 * walked — counted and checked as decode-protobuf.ts would — but never decoded.
 * The result is what readAttributes makes of the decoded KeyValue, merging
 * included (a value sent twice is merged, a key sent twice takes the last).
 *   0a 0c "service.name" 12 0a 0a 08 "payments"  → reader.add('groupFallback', 'service.name', 'payments')
 */
export function readWireAttribute(r: WireReader, end: number, depth: number, reader: AttributeFactsReader): void {
  let key = '';
  // As every encoder writes it: the key, then the value as the last field. The key is then final
  // before the value is reached, so the value is decoded only when the key is one Rebound reads.
  if (r.pos < end && r.buf[r.pos] === FIELD_1_LEN) {
    r.pos++;
    key = r.string(end);
    if (r.pos < end && r.buf[r.pos] === FIELD_2_LEN) {
      const valueTag = r.pos;
      r.pos++;
      const length = r.uint32(end); // read again by enter() below, which counts it
      const isLast = r.pos + length === end;
      r.pos = valueTag + 1;
      if (isLast) {
        const kind = reader.accepts(KEY_KINDS.get(r, key));
        if (kind === undefined) walkAnyValue(r, enter(r, end, depth + 1), depth + 1);
        else {
          has = 0;
          readScalar(r, enter(r, end, depth + 1), depth + 1);
          reader.add(kind, key, scalarText());
        }
        return;
      }
      r.pos = valueTag;
    }
  }
  // Any other order: every value decoded and merged, the key known at the end.
  has = 0;
  let hasValue = false;
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === FIELD_1_LEN) key = r.string(end);
    else if (tag === FIELD_2_LEN) {
      readScalar(r, enter(r, end, depth + 1), depth + 1);
      hasValue = true;
    } else skipOther(r, tag, end, depth, KEY_VALUE);
  }
  const kind = reader.kindOf(key);
  if (kind !== undefined) reader.add(kind, key, hasValue ? scalarText() : undefined);
}

/** Module-local copies: an imported binding is a getter call under some loaders (tsx), a local one a constant. */
/** Attribute keys repeat in every resource and point: their kind remembered per interned key. */
const KEY_KINDS = new InternedMemo<AttributeKind | undefined>(attributeKind);

const { skipOther, enter, walkAnyValue, walkArrayValue, walkKeyValueList, KEY_VALUE, ANY_VALUE } = messages;
const VARINT = 0;
const I64 = 1;
const LEN = 2;
const FIELD_1_LEN = (1 << 3) | LEN;
const FIELD_2_LEN = (2 << 3) | LEN;

/** The AnyValue being read (one at a time: decoding is synchronous): which members were sent, and the last of each. */
const STRING = 1;
const BOOL = 2;
const INT = 4;
const DOUBLE = 8;
let has = 0;
let stringValue = '';
let boolValue = false;
let intValue = 0;
let doubleValue = 0;

/** The attribute's value as readAttributes's scalarText gives it: a string, else an int, a double, a bool; arrays, maps, bytes: undefined. */
function scalarText(): string | undefined {
  if (has & STRING) return stringValue;
  if (has & INT) return String(intValue);
  if (has & DOUBLE) return String(doubleValue);
  if (has & BOOL) return String(boolValue);
  return undefined;
}

/** One AnyValue (copy) into the members above, read and checked as decode-protobuf.ts's readAnyValue reads it. */
function readScalar(r: WireReader, end: number, depth: number): void {
  while (r.pos < end) {
    const tag = r.uint32(end);
    switch (tag) {
      case (1 << 3) | LEN:
        stringValue = r.string(end);
        has |= STRING;
        break;
      case (2 << 3) | VARINT:
        boolValue = r.uint32(end) !== 0;
        has |= BOOL;
        break;
      case (3 << 3) | VARINT:
        intValue = r.int64(end);
        has |= INT;
        break;
      case (4 << 3) | I64:
        doubleValue = r.double(end);
        has |= DOUBLE;
        break;
      case (5 << 3) | LEN:
        walkArrayValue(r, enter(r, end, depth + 1), depth + 1);
        break;
      case (6 << 3) | LEN:
        walkKeyValueList(r, enter(r, end, depth + 1), depth + 1);
        break;
      case (7 << 3) | LEN:
        r.bytes(end);
        break;
      default:
        skipOther(r, tag, end, depth, ANY_VALUE);
    }
  }
}
