import { AttributeFactsReader, NO_FACTS as NO_FACTS_IMPORTED, type AttributeFacts } from './attribute-facts';
import type { DecodeBudget } from './decode-budget';
import { readResourceMetrics as readResourceMetricsImported } from './decode-protobuf';
import { mapMetricMessage as mapMetricMessageImported, startMetrics } from './map-protobuf-metric';
import { mapResourceMetrics as mapResourceMetricsImported } from './map-request';
import * as messages from './protobuf-messages';
import type { WireReader } from './protobuf-wire';
import { recallResource, rememberResource } from './resource-facts-memo';
import type { RequestMapping, ResourceContext } from './request-mapping';
import { readWireAttribute as readWireAttributeImported } from './wire-attributes';

/**
 * An `application/x-protobuf` ExportMetricsServiceRequest read straight into
 * the request's member drafts, without the objects decode-protobuf.ts builds:
 * no point, attribute or value object is made, and a value is decoded only
 * where the mapping reads it. The result is exactly that of decoding with
 * decodeProtobufRequest and mapping with map-request.ts (the fuzz test
 * compares them), and so are the errors: every message is entered, counted and
 * checked in the same order as there, so a body gets the same 400 naming the
 * same byte, or the same 413 at the same item.
 *
 * A message is mapped as it is read when what its points need comes first, as
 * every encoder writes it: the resource before the scope metrics. Otherwise
 * (fields out of order, a resource sent twice and merged) that ResourceMetrics
 * is decoded to objects and mapped from them. Metrics: map-protobuf-metric.ts.
 */
export function mapProtobufRequest(body: Uint8Array, budget: DecodeBudget, requestMapping: RequestMapping, limits: MappingLimits): void {
  mapping = requestMapping;
  maxValueLength = limits.maxAttributeValueLength;
  maxAttributes = limits.maxAttributes;
  startMetrics(requestMapping, limits.maxAttributeValueLength);
  messages.readProtobufBody(body, budget, readRequest);
}

/** The request being mapped now (decoding is synchronous, so one at a time). */
let mapping: RequestMapping;
let maxValueLength: number;
let maxAttributes: number;

/** The limits the mapping reads attributes with (OtlpServerConfig's). */
export interface MappingLimits {
  maxAttributes: number;
  maxAttributeValueLength: number;
}

/** Module-local copies: an imported binding is a getter call under some loaders (tsx), a local one a constant. */
const { skipOther, enter, countItems, itemsCounted, REQUEST, RESOURCE_METRICS, RESOURCE, SCOPE_METRICS } = messages;
const readWireAttribute = readWireAttributeImported;
const readResourceMetrics = readResourceMetricsImported;
const mapResourceMetrics = mapResourceMetricsImported;
const mapMetricMessage = mapMetricMessageImported;
const NO_FACTS = NO_FACTS_IMPORTED;
const LEN = 2;
const FIELD_1_LEN = (1 << 3) | LEN;
const FIELD_2_LEN = (2 << 3) | LEN;

function readRequest(r: WireReader, end: number): void {
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === FIELD_1_LEN) mapResourceMetricsMessage(r, enter(r, end, 1), 1);
    else skipOther(r, tag, end, 0, REQUEST);
  }
}

function mapResourceMetricsMessage(r: WireReader, end: number, depth: number): void {
  const start = r.pos;
  const inOrder = resourceComesFirst(r, end, depth);
  r.pos = start;
  if (!inOrder) return mapResourceMetrics(readResourceMetrics(r, end, depth), mapping, maxValueLength);
  let resource: ResourceContext = { facts: NO_FACTS };
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === FIELD_1_LEN) resource = { facts: resourceFacts(r, enter(r, end, depth + 1), depth + 1) };
    else if (tag === FIELD_2_LEN) mapScopeMetrics(r, enter(r, end, depth + 1), depth + 1, resource);
    else skipOther(r, tag, end, depth, RESOURCE_METRICS);
  }
}

/**
 * Whether a ResourceMetrics has at most one resource, before its scope metrics: a look at its
 * fields' tags and lengths only. Anything unexpected (a wrong wire type, a bad length) says no,
 * and the decode to objects finds and reports it in its place.
 */
function resourceComesFirst(r: WireReader, end: number, depth: number): boolean {
  let resources = 0;
  let scopes = 0;
  try {
    while (r.pos < end) {
      const tag = r.uint32(end);
      if (tag >>> 3 === 1 || tag >>> 3 === 2) {
        if ((tag & 7) !== LEN) return false;
        if (tag >>> 3 === 2) scopes++;
        else if (resources++ > 0 || scopes > 0) return false;
      }
      r.skip(tag, end, depth);
    }
  } catch {
    return false;
  }
  return true;
}

/** A Resource's facts: remembered from an earlier request that sent the same bytes (resource-facts-memo.ts), or read. */
function resourceFacts(r: WireReader, end: number, depth: number): AttributeFacts {
  const start = r.pos;
  const remembered = recallResource(r.view, start, end, maxAttributes, maxValueLength);
  if (remembered !== undefined) {
    countItems(remembered.items);
    r.pos = end;
    return remembered.facts;
  }
  const itemsBefore = itemsCounted();
  const facts = readResourceFacts(r, end, depth);
  rememberResource(r.view, start, end, maxAttributes, maxValueLength, facts, itemsCounted() - itemsBefore);
  return facts;
}

function readResourceFacts(r: WireReader, end: number, depth: number): AttributeFacts {
  const reader = new AttributeFactsReader(true, maxValueLength);
  let count = 0;
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === FIELD_1_LEN) {
      count++;
      readWireAttribute(r, enter(r, end, depth + 1), depth + 1, reader);
    } else skipOther(r, tag, end, depth, RESOURCE);
  }
  return mapping.resourceFacts(count, () => reader.finish());
}

function mapScopeMetrics(r: WireReader, end: number, depth: number, resource: ResourceContext): void {
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === FIELD_2_LEN) mapMetricMessage(r, enter(r, end, depth + 1), depth + 1, resource);
    else skipOther(r, tag, end, depth, SCOPE_METRICS); // field 1, the scope, is skipped
  }
}
