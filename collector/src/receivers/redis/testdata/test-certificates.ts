import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** PEM files made by openssl for one test run; every certificate expires after a day. */
export interface TestCertificates {
  /** The test CA: signs the server's and the collector's certificates. */
  caFile: string;
  caKeyFile: string;
  /** redis-server's certificate, for `redis.test`. */
  serverCertFile: string;
  serverKeyFile: string;
  /** The collector's client certificate (CN=rebound), signed by the test CA. */
  clientCertFile: string;
  clientKeyFile: string;
  /** A client certificate of another CA, which the server must refuse. */
  strangerCertFile: string;
  strangerKeyFile: string;
}

/** Make a throwaway CA, server and client certificates in `dir` (EC P-256 keys: fast to make). */
export function makeTestCertificates(dir: string): TestCertificates {
  const file = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const selfSigned = (name: string, subject: string): void =>
    openssl('req', '-x509', ...newKey, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '1', '-subj', subject);
  const signedByCa = (name: string, subject: string, extensions: string): void => {
    openssl('req', ...newKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    writeFileSync(file(`${name}.ext`), extensions);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    );
  };
  selfSigned('ca', '/CN=rebound-test-ca');
  signedByCa('server', '/CN=redis.test', 'subjectAltName=DNS:redis.test\n');
  signedByCa('client', '/CN=rebound', 'extendedKeyUsage=clientAuth\n');
  selfSigned('stranger', '/CN=rebound');
  return {
    caFile: file('ca.pem'),
    caKeyFile: file('ca.key'),
    serverCertFile: file('server.pem'),
    serverKeyFile: file('server.key'),
    clientCertFile: file('client.pem'),
    clientKeyFile: file('client.key'),
    strangerCertFile: file('stranger.pem'),
    strangerKeyFile: file('stranger.key'),
  };
}
