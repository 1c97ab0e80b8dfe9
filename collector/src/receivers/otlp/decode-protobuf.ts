import { ExportMetricsServiceRequestType } from './otlp-schema';
import { OtlpDecodeError, type OtlpMetricsRequest } from './otlp-types';

/** Decode an `application/x-protobuf` ExportMetricsServiceRequest body. */
export function decodeProtobufRequest(body: Uint8Array): OtlpMetricsRequest {
  try {
    return ExportMetricsServiceRequestType.decode(body) as unknown as OtlpMetricsRequest;
  } catch (error) {
    // protobufjs says e.g. "index out of range: 37 + 10 > 40" for a truncated body.
    const reason = error instanceof Error ? error.message : String(error);
    throw new OtlpDecodeError(`body is not a valid protobuf ExportMetricsServiceRequest (${reason})`);
  }
}
