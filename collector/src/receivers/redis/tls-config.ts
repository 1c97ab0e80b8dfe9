import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { ConfigError } from '../../config/config-error';
import { joinKey, readBoolean, readObject, readOptionalString, readReadableFile } from '../../config/fields';

/** The certificate and key the collector presents to nodes with `tls-auth-clients yes`. */
export interface RedisClientCertificate {
  /** PEM client certificate (then any intermediates), e.g. `/etc/rebound/redis-client.pem`. */
  certFile: string;
  /** PEM private key of `certFile`, unencrypted; only its path is ever printed. */
  keyFile: string;
}

export interface RedisTlsConfig {
  /** PEM file of the CA that signed the servers' certificates; the system CAs when absent. */
  caFile?: string;
  /** Server name to verify (SNI); the node's host when absent. */
  serverName?: string;
  /** Accept any certificate. For tests only: it makes TLS worthless against an attacker. */
  insecureSkipVerify: boolean;
  /** Mutual TLS: set when `cert_file` and `key_file` are; none is presented otherwise. */
  clientCertificate?: RedisClientCertificate;
}

const TLS_KEYS = ['ca_file', 'server_name', 'insecure_skip_verify', 'cert_file', 'key_file'];

/**
 * `tls: true` or `tls: { ca_file: /etc/ssl/redis-ca.pem, server_name: cache.internal,
 * cert_file: /etc/rebound/redis-client.pem, key_file: /etc/rebound/redis-client.key }`.
 * The files are checked here so a wrong path stops the start, not every probe.
 */
export function readRedisTls(raw: unknown, keyPath: string, env: NodeJS.ProcessEnv): false | RedisTlsConfig {
  if (raw === undefined || raw === null || raw === false) return false;
  if (raw === true) return { insecureSkipVerify: false };
  if (typeof raw !== 'object') throw new ConfigError(keyPath, `expected true, false or a mapping with ${TLS_KEYS.join(', ')}`);
  const o = readObject(raw, keyPath, TLS_KEYS);
  const tls: RedisTlsConfig = { insecureSkipVerify: readBoolean(o['insecure_skip_verify'], joinKey(keyPath, 'insecure_skip_verify'), false) };
  const caFile = readReadableFile(o['ca_file'], joinKey(keyPath, 'ca_file'), 'the PEM CA certificate of the servers', env);
  if (caFile !== undefined) tls.caFile = caFile;
  const serverName = readOptionalString(o['server_name'], joinKey(keyPath, 'server_name'));
  if (serverName !== undefined) tls.serverName = serverName;
  const clientCertificate = readClientCertificate(o, keyPath, env);
  if (clientCertificate !== undefined) tls.clientCertificate = clientCertificate;
  return tls;
}

/** `cert_file` and `key_file` go together, and must be a certificate and the private key that matches it. */
function readClientCertificate(o: Record<string, unknown>, keyPath: string, env: NodeJS.ProcessEnv): RedisClientCertificate | undefined {
  const certFile = readReadableFile(o['cert_file'], joinKey(keyPath, 'cert_file'), 'the PEM client certificate', env);
  const keyFile = readReadableFile(o['key_file'], joinKey(keyPath, 'key_file'), 'the PEM private key of cert_file', env);
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (keyFile === undefined)
    throw new ConfigError(
      joinKey(keyPath, 'key_file'),
      'is required with cert_file: give the PEM private key of that client certificate (or remove cert_file)',
    );
  if (certFile === undefined)
    throw new ConfigError(joinKey(keyPath, 'cert_file'), 'is required with key_file: give the PEM client certificate of that key (or remove key_file)');
  try {
    createSecureContext({ cert: readFileSync(certFile), key: readFileSync(keyFile) });
  } catch (error) {
    // OpenSSL's reason (`key values mismatch`, `bad decrypt`, `no start line`) never quotes the key.
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      keyPath,
      `cert_file ${certFile} and key_file ${keyFile} do not make a pair: give a PEM certificate and the unencrypted private key that matches it (${reason})`,
    );
  }
  return { certFile, keyFile };
}
