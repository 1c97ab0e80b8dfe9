import * as protobuf from 'protobufjs';
import { DecodeBudget, RequestTooBigError } from './decode-budget';
import { OTLP_METRICS_PROTO } from './otlp-schema';
import { OtlpDecodeError, type OtlpMetricsRequest } from './otlp-types';

/** Messages that are data points: counted toward otlp.max_points_per_request as well. */
const POINT_TYPES = new Set(['NumberDataPoint', 'CountedPoint']);

/** The budget of the request being decoded now (decoding is synchronous, so one at a time). */
let budget: DecodeBudget | undefined;

/**
 * A second copy of the schema whose every message decoder counts itself
 * against the current budget before decoding, so a request stops at the first
 * message over a limit. A copy, so the bare protobufjs types (otlp-schema.ts)
 * stay a fair baseline for the benchmarks. protobufjs's generated decoders call
 * `types[i].decode` of their field types, so replacing each type's `decode`
 * after its codecs are generated puts the count inside the decode loop.
 */
const countingRoot = protobuf.parse(OTLP_METRICS_PROTO, { keepCase: false }).root;
countingRoot.resolveAll();
const countingTypes: protobuf.Type[] = [];
const collectTypes = (namespace: protobuf.NamespaceBase): void => {
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Type) countingTypes.push(nested);
    if (nested instanceof protobuf.Namespace) collectTypes(nested);
  }
};
collectTypes(countingRoot);
for (const type of countingTypes) type.setup();
for (const type of countingTypes) {
  const decode = type.decode;
  const isPoint = POINT_TYPES.has(type.name);
  // The generated decoders' own parameters (reader, length, end group, depth, target), passed as they are: no rest array per message.
  const generated = decode as unknown as (this: protobuf.Type, r: unknown, l: unknown, z: unknown, q: unknown, g: unknown) => protobuf.Message;
  type.decode = function countedDecode(this: protobuf.Type, r: unknown, l?: unknown, z?: unknown, q?: unknown, g?: unknown) {
    if (budget !== undefined) {
      budget.item();
      if (isPoint) budget.point();
    }
    return generated.call(this, r, l, z, q, g);
  } as protobuf.Type['decode'];
}
const ExportMetricsServiceRequest = countingRoot.lookupType('rebound.otlp.ExportMetricsServiceRequest');

/** Decode an `application/x-protobuf` ExportMetricsServiceRequest body, within the request's budget. */
export function decodeProtobufRequest(body: Uint8Array, requestBudget?: DecodeBudget): OtlpMetricsRequest {
  budget = requestBudget;
  try {
    return ExportMetricsServiceRequest.decode(body) as unknown as OtlpMetricsRequest;
  } catch (error) {
    if (error instanceof RequestTooBigError) throw error;
    // protobufjs says e.g. "index out of range: 37 + 10 > 40" for a truncated body.
    const reason = error instanceof Error ? error.message : String(error);
    throw new OtlpDecodeError(`body is not a valid protobuf ExportMetricsServiceRequest (${reason})`);
  } finally {
    budget = undefined;
  }
}
