import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import Redis from 'ioredis';
import type { ConnectionOptions } from 'node:tls';
import type { RedisNodeConfig, RedisReceiverConfig } from './config';
import type { RedisTlsConfig } from './tls-config';

/** The two questions the receiver asks a node; tests hand in a fake reading testdata/. */
export interface RedisNodeClient {
  /**
   * Raw `INFO replication` text; the real client asks `INFO replication commandstats` (Redis 7+; one
   * section on older servers), whose command counts tell an ACL change (acl-change-signal.ts).
   */
  infoReplication(): Promise<string>;
  /** `ACL LIST` lines. */
  aclList(): Promise<string[]>;
  /**
   * Which TCP connection this client is on: changes when it reconnects (a node restarted, maybe
   * with another ACL file), so permission facts read on the old one are read again.
   */
  connectionNumber?(): number;
  /** The IP the connection reached (the node's address after DNS), to find it in its master's replica list. */
  remoteAddress?(): string | undefined;
  /** Drop the connection (after a timeout or error); the next probe makes a new client. */
  close(): void;
}

export type RedisClientFactory = (node: RedisNodeConfig, config: RedisReceiverConfig) => RedisNodeClient;

/**
 * A real client over ioredis. ioredis' own reconnect is off: the probe loop owns
 * retries (backoff with jitter) and timeouts, so a dead node costs one attempt
 * per backoff step, not a reconnect storm.
 */
export const createIoredisClient: RedisClientFactory = (node, config) => {
  const redis = new Redis({
    host: node.host,
    port: node.port,
    ...(config.username !== undefined ? { username: config.username } : {}),
    ...(config.password !== undefined ? { password: config.password.reveal() } : {}),
    ...(config.tls === false ? {} : { tls: tlsOptions(node, config.tls) }),
    lazyConnect: true,
    enableReadyCheck: false,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: config.timeoutMillis,
  });
  // ioredis reports the cause (ECONNREFUSED, WRONGPASS) as an 'error' event and rejects
  // the call with a bare "Connection is closed."; keep the cause to throw it instead.
  let cause: Error | undefined;
  let answered = false;
  redis.on('error', (error: Error) => {
    cause = error;
  });
  const withCause = (error: unknown): never => {
    const message = error instanceof Error ? error.message : String(error);
    const thrown = cause !== undefined && (/Connection is closed/.test(message) || /^NOAUTH/.test(message)) ? cause : error;
    throw answered || config.tls === false ? thrown : withClientCertificateHint(thrown, config.tls);
  };
  let connected: Promise<void> | undefined;
  let connectionNumber = 0;
  /** Redis < 7 takes one INFO section: a syntax error there, then only `replication` on this client. */
  let sections: string[] = ['replication', 'commandstats'];
  const ready = (): Promise<void> => {
    // The node closed our connection (restart, failover): connect again now, so a node that
    // is down shows as refused in this round rather than as a stale "Connection is closed".
    if (redis.status === 'end' || redis.status === 'close') {
      connected = undefined;
      cause = undefined;
      answered = false;
    }
    if (connected === undefined) connectionNumber++;
    return (connected ??= redis.connect().catch(withCause));
  };
  return {
    infoReplication: async () => {
      await ready();
      const text = await redis.info(...sections).catch((error: unknown) => {
        if (sections.length === 1 || !/syntax error|wrong number of arguments/i.test(String((error as Error)?.message))) return withCause(error);
        sections = ['replication'];
        return redis.info('replication').catch(withCause);
      });
      answered = true;
      return text;
    },
    aclList: async () => {
      await ready();
      return (await redis.call('ACL', 'LIST').catch(withCause)) as string[];
    },
    connectionNumber: () => connectionNumber,
    remoteAddress: () => redis.stream?.remoteAddress?.replace(/^::ffff:/, ''),
    close: () => redis.disconnect(),
  };
};

/**
 * Node TLS options: verify the server against `ca_file` (or the system CAs) under `server_name`
 * (or the node's host); present `cert_file`/`key_file` when set. Files are read per connection,
 * so a renewed certificate is used from the next reconnect on.
 */
function tlsOptions(node: RedisNodeConfig, tls: RedisTlsConfig): ConnectionOptions {
  const client = tls.clientCertificate;
  return {
    ...(tls.caFile !== undefined ? { ca: readFileSync(tls.caFile) } : {}),
    ...(client !== undefined ? { cert: readFileSync(client.certFile), key: readFileSync(client.keyFile) } : {}),
    // SNI takes names only (RFC 6066); for an IP, Node checks the certificate against the host anyway.
    ...(tls.serverName !== undefined ? { servername: tls.serverName } : isIP(node.host) === 0 ? { servername: node.host } : {}),
    rejectUnauthorized: !tls.insecureSkipVerify,
  };
}

/**
 * A server with `tls-auth-clients yes` resets the connection (`write ECONNRESET`) when the
 * client shows no certificate, or one its CA did not sign: say so, since the reset alone
 * does not. Only before the first reply on a connection; the error keeps its code.
 */
function withClientCertificateHint(error: unknown, tls: RedisTlsConfig): unknown {
  if ((error as { code?: unknown } | null)?.code !== 'ECONNRESET' || !(error instanceof Error)) return error;
  const hint =
    tls.clientCertificate === undefined
      ? 'if the server has tls-auth-clients yes, it needs a client certificate: set tls.cert_file and tls.key_file'
      : `if the server has tls-auth-clients yes, it does not accept tls.cert_file ${tls.clientCertificate.certFile}: is it signed by a CA in the server's tls-ca-cert-file?`;
  return Object.assign(new Error(`${error.message} (the server reset the TLS connection before answering; ${hint})`), { code: 'ECONNRESET' });
}
