import type { ServerResponse } from 'node:http';
import { ExportMetricsServiceResponseType, StatusType } from './otlp-schema';

/** How the answer is encoded: the same as the request (OTLP/HTTP). */
export type Encoding = 'protobuf' | 'json';

const CONTENT_TYPE: Record<Encoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

/** gRPC status codes carried in the google.rpc.Status body, matching the HTTP status. */
const GRPC_CODE_FOR_HTTP: Record<number, number> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  404: 12, // UNIMPLEMENTED
  405: 12,
  408: 4, // DEADLINE_EXCEEDED
  413: 8, // RESOURCE_EXHAUSTED
  415: 3,
  429: 8,
  500: 13, // INTERNAL
  503: 14, // UNAVAILABLE
};

/** 200 with an ExportMetricsServiceResponse; partial_success only when something was refused. */
export function sendExportResponse(response: ServerResponse, encoding: Encoding, rejectedDataPoints: number, errorMessage: string): void {
  let body: Uint8Array | string;
  if (encoding === 'json') {
    body = rejectedDataPoints > 0 || errorMessage ? JSON.stringify({ partialSuccess: { rejectedDataPoints: String(rejectedDataPoints), errorMessage } }) : '{}';
  } else {
    const message = rejectedDataPoints > 0 || errorMessage ? { partialSuccess: { rejectedDataPoints, errorMessage } } : {};
    body = ExportMetricsServiceResponseType.encode(ExportMetricsServiceResponseType.fromObject(message)).finish();
  }
  send(response, 200, encoding, body, {});
}

/** An error status with a google.rpc.Status body saying what to do. */
export function sendStatus(response: ServerResponse, httpStatus: number, encoding: Encoding, message: string, headers: Record<string, string> = {}): void {
  const code = GRPC_CODE_FOR_HTTP[httpStatus] ?? 2; // UNKNOWN
  const body = encoding === 'json' ? JSON.stringify({ code, message }) : StatusType.encode(StatusType.fromObject({ code, message })).finish();
  send(response, httpStatus, encoding, body, headers);
}

function send(response: ServerResponse, status: number, encoding: Encoding, body: Uint8Array | string, headers: Record<string, string>): void {
  if (response.headersSent) return;
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  response.writeHead(status, { ...headers, 'Content-Type': CONTENT_TYPE[encoding], 'Content-Length': String(bytes.length) });
  response.end(bytes);
}
