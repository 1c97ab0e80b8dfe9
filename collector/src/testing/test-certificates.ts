/**
 * Throwaway TLS material made by openssl for one test run, valid one day. The Redis receiver's
 * client-certificate matrix has its own maker (receivers/redis/testdata/test-certificates.ts).
 */
import { execFile, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ServerCertificates {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/**
 * A CA and a server certificate it signed (P-256) in `dir`, with `subjectAltName` as given, e.g.
 * `IP:127.0.0.1,DNS:localhost`, or `DNS:db.test` alone so that connecting by IP must name it.
 */
export async function caSignedServerCertificate(dir: string, commonName: string, subjectAltName: string): Promise<ServerCertificates> {
  const file = (name: string): string => join(dir, name);
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', ['req', '-x509', ...key, '-keyout', file('ca.key'), '-out', file('ca.crt'), '-days', '1', '-subj', '/CN=rebound-test-ca']);
  await run('openssl', ['req', ...key, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', `/CN=${commonName}`]);
  writeFileSync(file('san.ext'), `subjectAltName=${subjectAltName}\n`);
  const sign = ['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial'];
  await run('openssl', [...sign, '-out', file('server.crt'), '-days', '1', '-extfile', file('san.ext')]);
  return { caFile: file('ca.crt'), certFile: file('server.crt'), keyFile: file('server.key') };
}

/** A self-signed certificate for 127.0.0.1 (RSA 2048) at `certFile` and its key at `keyFile`: the client trusts the certificate itself. */
export function selfSignedLoopbackCertificate(certFile: string, keyFile: string): void {
  const subject = ['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', ...subject], {
    stdio: 'ignore',
  });
}
