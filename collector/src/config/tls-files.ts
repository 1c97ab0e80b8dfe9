import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { ConfigError } from './config-error';

/**
 * A server certificate and its private key (PEM files already checked readable)
 * must make a pair, or the HTTPS server would throw at start. Throws ConfigError
 * at `keyPath`; OpenSSL's reason (`key values mismatch`, `no start line`) never quotes the key.
 */
export function checkCertificatePair(certFile: string, keyFile: string, keyPath: string): void {
  try {
    createSecureContext({ cert: readFileSync(certFile), key: readFileSync(keyFile) });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      keyPath,
      `cert_file ${certFile} and key_file ${keyFile} do not make a pair: give a PEM certificate and the unencrypted private key that matches it (${reason})`,
    );
  }
}
