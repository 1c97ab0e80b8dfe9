import { NO_FACTS as NO_FACTS_IMPORTED, readAttributes as readAttributesImported } from './attribute-facts';
import { MEMBER_METRICS } from './member-metrics';
import {
  hasOwn as hasOwnImported,
  int64ToNumber as int64ToNumberImported,
  TEMPORALITY_DELTA as TEMPORALITY_DELTA_IMPORTED,
  type OtlpKeyValue,
  type OtlpMetric,
  type OtlpMetricsRequest,
  type OtlpResourceMetrics,
} from './otlp-types';
import type { RequestMapping, ResourceContext } from './request-mapping';

/** Local aliases: a module-local binding is cheaper to reach on the hot path than an imported one under some loaders (tsx). */
const METRICS_BY_NAME = MEMBER_METRICS;
const readAttributes = readAttributesImported;
const NO_FACTS = NO_FACTS_IMPORTED;
const hasOwn = hasOwnImported;
const int64ToNumber = int64ToNumberImported;
const TEMPORALITY_DELTA = TEMPORALITY_DELTA_IMPORTED;

const NO_ATTRIBUTES: readonly OtlpKeyValue[] = Object.freeze([]);

/** A decoded request (OTLP/JSON, or protobuf decoded to objects) into the mapping, resource by resource. */
export function mapRequest(request: OtlpMetricsRequest, mapping: RequestMapping, maxAttributeValueLength: number): void {
  for (const resourceMetrics of request.resourceMetrics) mapResourceMetrics(resourceMetrics, mapping, maxAttributeValueLength);
}

export function mapResourceMetrics(resourceMetrics: OtlpResourceMetrics, mapping: RequestMapping, maxAttributeValueLength: number): void {
  const attributes = resourceMetrics.resource?.attributes ?? NO_ATTRIBUTES;
  const resource: ResourceContext = { facts: mapping.resourceFacts(attributes.length, () => readAttributes(attributes, true, maxAttributeValueLength)) };
  for (const scopeMetrics of resourceMetrics.scopeMetrics) {
    for (const metric of scopeMetrics.metrics) mapMetric(metric, resource, mapping, maxAttributeValueLength);
  }
}

/** One metric's points; metrics that are not recovery.member.* are not ours to read. */
export function mapMetric(metric: OtlpMetric, resource: ResourceContext, mapping: RequestMapping, maxAttributeValueLength: number): void {
  const memberMetric = METRICS_BY_NAME.get(metric.name);
  if (memberMetric === undefined) return;
  const { gauge, sum } = metric;
  if (!gauge && !sum) {
    const other = metric.histogram ? 'histogram' : metric.exponentialHistogram ? 'exponential histogram' : metric.summary ? 'summary' : undefined;
    const count = (metric.histogram ?? metric.exponentialHistogram ?? metric.summary)?.dataPoints.length ?? 0;
    if (other && count > 0) {
      const { reason, example } = mapping.unsupportedKind(metric.name, other);
      mapping.refuse(reason, count, example);
    }
    return;
  }
  const points = gauge ? gauge.dataPoints : sum!.dataPoints;
  const isDelta = !gauge && sum!.aggregationTemporality === TEMPORALITY_DELTA;
  const pointMetric = mapping.pointMetric(metric.name, metric.unit, memberMetric, isDelta);
  if (!('field' in pointMetric)) return mapping.refuse(pointMetric.reason, points.length, pointMetric.example);
  for (const point of points) {
    const attributes = point.attributes;
    const facts = attributes.length > 0 ? readAttributes(attributes, false, maxAttributeValueLength) : NO_FACTS;
    const raw = hasOwn(point, 'asDouble') ? point.asDouble : hasOwn(point, 'asInt') ? int64ToNumber(point.asInt) : undefined;
    mapping.addPoint(pointMetric, resource, attributes.length, facts, point.timeUnixNano, raw);
  }
}
