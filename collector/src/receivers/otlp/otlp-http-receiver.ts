import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { ConfigError } from '../../config/config-error';
import { formatDuration } from '../../config/duration';
import { listenOn } from '../../listen-error';
import type { Observation } from '../../model/types';
import type { ObservationSink, ReceiverContext, SharedReceiver } from '../receiver';
import type { RetiredMember } from './admission';
import { dynamicGroupConfig, type OtlpServerConfig } from './config';
import type { ContribOptions } from './contrib/contrib-config';
import { DecodeBudget, JsonContainerCounter, RequestTooBigError } from './decode-budget';
import { decodeJsonRequest } from './decode-json';
import { DecodeTurns } from './decode-turns';
import { BodyError, readBody } from './http-body';
import { sendExportResponse, sendStatus, type Encoding } from './http-responses';
import { describeRefusals, OTLP_SOURCE, OtlpIngest, type IngestResult } from './ingest';
import { closeAfterAnswer } from './lingering-close';
import { MemoryLimiter } from './memory-limiter';
import { OtlpDecodeError } from './otlp-types';
import { refusedCounter, type RefusalReason } from './refusal';
import { retiredCounter } from './retirement';

export const OTLP_METRICS_PATH = '/v1/metrics';

export interface OtlpHttpReceiverOptions {
  /** Address to listen on (`listen.otlp`); port 0 picks a free one (tests). */
  listen: { host: string; port: number };
  /** Groups configured with `otlp:`. */
  groups: ReadonlySet<string>;
  /** The top-level `otlp:` settings (parseOtlpServerConfig). */
  server: OtlpServerConfig;
  /** Where `recovery_receiver_refused_total` and `recovery_receiver_members_retired_total` are registered. */
  registry: Registry;
  context: ReceiverContext;
  /** Members declared in config per group (count toward max_members_per_group). */
  declaredMembers?: ReadonlyMap<string, readonly string[]>;
  /** Bytes the memory limiter reads (tests pass a fake); heap in use plus Buffers by default. */
  readMemoryBytes?: () => number;
  /** Read the Collector contrib receivers' metrics too, mapped by these tables (contribOptionsOf). */
  contrib?: ContribOptions;
}

export interface OtlpHttpReceiver extends SharedReceiver {
  /**
   * Retire the learned members silent for `otlp.member_expiry` now (a no-op
   * when it is unset). A timer does this while the receiver runs; tests call it
   * with a fake clock rather than wait.
   */
  retireSilentMembers(): void;
}

/** How often silent members are looked for: often enough that none outstays member_expiry by much. */
function retirementCheckEveryMillis(memberExpiryMillis: number): number {
  return Math.min(60_000, memberExpiryMillis / 4);
}

/** Media types we decode, by the part of Content-Type before any `;`. */
const ENCODING_FOR_MEDIA_TYPE: Record<string, Encoding> = {
  'application/x-protobuf': 'protobuf',
  'application/protobuf': 'protobuf',
  'application/json': 'json',
};

/**
 * The OTLP/HTTP metrics endpoint (DESIGN.md §3.1): `POST /v1/metrics`,
 * protobuf or JSON, optionally gzip, answered per the OTLP/HTTP specification.
 */
export function createOtlpHttpReceiver(options: OtlpHttpReceiverOptions): OtlpHttpReceiver {
  const { server: config, context } = options;
  const refused = refusedCounter(options.registry);
  const retiredTotal = retiredCounter(options.registry);
  const ingest = new OtlpIngest({ groups: options.groups, server: config, declaredMembers: options.declaredMembers, contrib: options.contrib });
  const expectedTokenDigest = config.bearerToken === undefined ? undefined : sha256(`Bearer ${config.bearerToken}`);
  const lastWarnAt = new Map<string, number>();
  const turns = new DecodeTurns();
  const memory = new MemoryLimiter({ limitBytes: config.memoryLimitBytes, readBytes: options.readMemoryBytes });
  let inFlight = 0;
  let server: http.Server | undefined;
  let sink: ObservationSink | undefined;
  let retirementTimer: NodeJS.Timeout | undefined;
  /** Dynamic groups already handed to the sink's addGroup. */
  const addedGroups = new Set<string>();

  const count = (reason: RefusalReason, amount = 1): void => refused.inc({ receiver: OTLP_SOURCE, reason }, amount);
  /** At most one warning per reason a minute: a misbehaving client must not flood the log. */
  const warnSometimes = (reason: string, message: string, fields: Record<string, unknown>): void => {
    const now = context.now();
    if (now - (lastWarnAt.get(reason) ?? -Infinity) < 60_000) return;
    lastWarnAt.set(reason, now);
    context.logger.warn(message, fields);
  };

  /** Tell the engine, so the member leaves the group's state and its series; say so in the log. */
  const retire = (members: readonly RetiredMember[]): void => {
    for (const { group, member, silentMillis } of members) {
      sink?.retireMember?.(group, member);
      retiredTotal.inc({ receiver: OTLP_SOURCE });
      context.logger.info('OTLP member retired: no data point within otlp.member_expiry', {
        group,
        member,
        silentFor: formatDuration(silentMillis),
        memberExpiry: formatDuration(config.memberExpiryMillis ?? 0),
      });
    }
  };
  const retireSilentMembers = (): void => retire(ingest.retireSilentMembers(context.now()));

  /** Answer before reading the body, and close the connection so the unread body is not parsed as a next request. */
  const refuseEarly = (
    response: http.ServerResponse,
    status: number,
    encoding: Encoding,
    reason: RefusalReason | undefined,
    message: string,
    headers: Record<string, string> = {},
  ): void => {
    if (reason) count(reason);
    closeAfterAnswer(response);
    sendStatus(response, status, encoding, message, headers);
  };

  const handle = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    const path = (request.url ?? '').split('?', 1)[0];
    if (path !== OTLP_METRICS_PATH) {
      return refuseEarly(response, 404, 'json', undefined, `no such endpoint ${path}; OTLP metrics go to POST ${OTLP_METRICS_PATH}`);
    }
    if (request.method !== 'POST') {
      return refuseEarly(response, 405, 'json', undefined, `use POST for ${OTLP_METRICS_PATH}`, { Allow: 'POST' });
    }
    const mediaType = (request.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
    const encoding = ENCODING_FOR_MEDIA_TYPE[mediaType];
    if (expectedTokenDigest !== undefined) {
      const given = request.headers.authorization;
      if (given === undefined || !timingSafeEqual(sha256(given), expectedTokenDigest)) {
        warnSometimes('unauthorized', 'OTLP request refused: missing or wrong bearer token', { remote: request.socket.remoteAddress });
        return refuseEarly(response, 401, encoding ?? 'json', 'unauthorized', 'missing or wrong bearer token: send Authorization: Bearer <otlp.bearer_token>', {
          'WWW-Authenticate': 'Bearer realm="rebound-otlp"',
        });
      }
    }
    if (encoding === undefined) {
      return refuseEarly(
        response,
        415,
        'json',
        'unsupported_media_type',
        `Content-Type "${mediaType}" is not supported; send application/x-protobuf or application/json`,
      );
    }
    const contentEncoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (contentEncoding !== 'identity' && contentEncoding !== 'gzip') {
      return refuseEarly(response, 415, encoding, 'unsupported_media_type', `Content-Encoding "${contentEncoding}" is not supported; send gzip or no encoding`);
    }
    const declaredLength = Number(request.headers['content-length'] ?? 0);
    if (declaredLength > config.maxRequestBytes) {
      return refuseEarly(
        response,
        413,
        encoding,
        'body_too_large',
        `body of ${declaredLength} bytes is larger than ${config.maxRequestBytes} (otlp.max_request_bytes); send smaller batches`,
      );
    }
    if (memory.refusing()) {
      const mib = (bytes: number): string => `${Math.round(bytes / 1024 ** 2)} MiB`;
      warnSometimes('memory_limit', 'OTLP requests refused: memory above otlp.memory_limit', {
        memory: mib(memory.bytes),
        memoryLimit: mib(config.memoryLimitBytes),
      });
      return refuseEarly(
        response,
        503,
        encoding,
        'memory_limit',
        `collector memory is above otlp.memory_limit (${mib(memory.bytes)} of ${mib(config.memoryLimitBytes)}); retry later`,
        {
          'Retry-After': String(config.retryAfterSeconds),
        },
      );
    }
    if (inFlight >= config.maxConcurrentRequests) {
      warnSometimes('overloaded', 'OTLP requests refused: too many in flight', { maxConcurrentRequests: config.maxConcurrentRequests });
      return refuseEarly(
        response,
        503,
        encoding,
        'overloaded',
        `too many requests in flight (otlp.max_concurrent_requests is ${config.maxConcurrentRequests}); retry later`,
        {
          'Retry-After': String(config.retryAfterSeconds),
        },
      );
    }
    inFlight++;
    try {
      await receive(request, response, encoding, contentEncoding === 'gzip');
    } finally {
      inFlight--;
    }
  };

  const receive = async (request: http.IncomingMessage, response: http.ServerResponse, encoding: Encoding, gzip: boolean): Promise<void> => {
    let result: IngestResult;
    try {
      const budget = new DecodeBudget(config);
      // JSON's objects and arrays are counted as the body arrives: a body over the budget is refused halfway, unbuffered.
      const counter = encoding === 'json' ? new JsonContainerCounter(budget) : undefined;
      const body = await readBody(request, gzip, config.maxRequestBytes, config.readTimeoutMillis, counter && ((chunk) => counter.feed(chunk)));
      await turns.next();
      // Protobuf is decoded straight into observations; a body that fails to decode admits nothing.
      result =
        encoding === 'protobuf' ? ingest.ingestProtobuf(body, budget, context.now()) : ingest.ingest(decodeJsonRequest(body, budget, true), context.now());
    } catch (error) {
      if (error instanceof BodyError) {
        if (error.kind === 'aborted') return;
        const status = error.kind === 'too_large' ? 413 : error.kind === 'timeout' ? 408 : 400;
        count(error.kind === 'too_large' ? 'body_too_large' : error.kind === 'timeout' ? 'read_timeout' : 'malformed');
        closeAfterAnswer(response);
        return sendStatus(response, status, encoding, error.message);
      }
      if (error instanceof RequestTooBigError) {
        count(error.reason);
        // Refused while the body was still arriving (JSON): close after the answer, as for any unread body.
        if (!request.complete) closeAfterAnswer(response);
        return sendStatus(response, 413, encoding, error.message);
      }
      if (error instanceof OtlpDecodeError) {
        count('malformed');
        return sendStatus(response, 400, encoding, error.message);
      }
      throw error;
    }
    // Before the observations: a retired member that is back in this request is then learned anew.
    retire(result.retired);
    deliver(result.observations, result.pointsPerObservation, result.refusals);
    for (const [reason, { points }] of result.refusals) count(reason, points);
    let rejected = 0;
    for (const { points } of result.refusals.values()) rejected += points;
    if (rejected > 0) warnSometimes('partial', 'OTLP data points refused', { summary: describeRefusals(result.refusals).slice(0, 500) });
    sendExportResponse(response, encoding, rejected, rejected > 0 ? describeRefusals(result.refusals) : '');
  };

  const deliver = (observations: Observation[], points: number[], refusals: IngestResult['refusals']): void => {
    for (let i = 0; i < observations.length; i++) {
      const observation = observations[i]!;
      try {
        // The ingest already enforced max_groups; a new dynamic group gets the defaults.
        if (!options.groups.has(observation.group) && !addedGroups.has(observation.group)) {
          sink!.addGroup?.(dynamicGroupConfig(observation.group, context.intervalMillis));
          addedGroups.add(observation.group);
        }
        sink!.observe(observation);
      } catch (error) {
        const entry = refusals.get('sink_refused');
        if (entry) entry.points += points[i]!;
        else
          refusals.set('sink_refused', {
            points: points[i]!,
            example: `group "${observation.group}": ${error instanceof Error ? error.message : String(error)}`,
          });
      }
    }
  };

  return {
    source: OTLP_SOURCE,
    address() {
      const address = server?.address() as AddressInfo | null | undefined;
      return address ? { host: address.address, port: address.port } : options.listen;
    },
    retireSilentMembers,
    async start(observationSink: ObservationSink): Promise<void> {
      sink = observationSink;
      const onRequest = (request: http.IncomingMessage, response: http.ServerResponse): void => {
        handle(request, response).catch((error: unknown) => {
          context.logger.error('OTLP request failed unexpectedly', { error: error instanceof Error ? error.message : String(error) });
          sendStatus(response, 500, 'json', 'internal error while handling the request; see the collector log');
        });
      };
      server = config.tls ? https.createServer(readTls(config.tls), onRequest) : http.createServer(onRequest);
      // A client that trickles headers or a body must not hold a slot forever.
      server.headersTimeout = 10_000;
      // read_timeout answers a stalled body with 408 first; this is Node's backstop for the whole request.
      server.requestTimeout = Math.max(30_000, server.headersTimeout + config.readTimeoutMillis + 5_000);
      const listening = server;
      await listenOn(listening, { ...options.listen, setting: 'listen.otlp', what: 'OTLP' });
      listening.on('error', (error) => context.logger.error('OTLP server error', { error: error.message }));
      const { host, port } = this.address();
      context.logger.info('OTLP/HTTP receiver listening', {
        url: `${config.tls ? 'https' : 'http'}://${host}:${port}${OTLP_METRICS_PATH}`,
        auth: expectedTokenDigest !== undefined,
      });
      observationSink.sourceUp(OTLP_SOURCE, true);
      if (config.memberExpiryMillis !== undefined) {
        retirementTimer = setInterval(retireSilentMembers, retirementCheckEveryMillis(config.memberExpiryMillis));
        retirementTimer.unref();
      }
    },
    async stop(): Promise<void> {
      if (retirementTimer !== undefined) clearInterval(retirementTimer);
      retirementTimer = undefined;
      const closing = server;
      server = undefined;
      if (!closing) return;
      await new Promise<void>((resolve) => {
        closing.close(() => resolve());
        closing.closeAllConnections();
      });
      sink?.sourceUp(OTLP_SOURCE, false);
    },
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function readTls(tls: { certFile: string; keyFile: string }): https.ServerOptions {
  const read = (file: string, key: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (error) {
      // Checked at load; this is a file removed or made unreadable since.
      throw new ConfigError(`otlp.tls.${key}`, `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}); check the path and permissions`);
    }
  };
  return { cert: read(tls.certFile, 'cert_file'), key: read(tls.keyFile, 'key_file') };
}
