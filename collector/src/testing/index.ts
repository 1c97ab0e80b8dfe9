/**
 * `@rebound/collector/testing`: the harnesses the other workspaces' tests use (real servers on
 * spare loopback ports, scenarios, reference implementations). Test code, never built: the
 * package exports it only under the `source` condition (`node --conditions=source`, and
 * `customConditions` in the test workspace's tsconfig), so dist/ and the Docker image hold none.
 */
export { ServerProcess, sparePort, waitFor } from './processes';
export { clearImmutable, immutableUnsupported, setImmutable } from './immutable-files';
export { caSignedServerCertificate, selfSignedLoopbackCertificate } from './test-certificates';
export { findLeak } from './leaks';
export { newestPostgresBin, postgresUser, startPostgresPrimaryStandby, type PostgresPrimaryStandby } from './postgres-primary-standby';
export { startMariadbPrimaryReplica, type MariadbPrimaryReplica } from './mariadb-primary-replica';
export { obs, testGroup } from '../engine/testing/scenario';
export { promClientRegistry } from '../exporters/prometheus/testing/prom-client-reference';
export { emptyHistogramPointsProtobuf, emptyResourcesJson } from '../receivers/otlp/otlp-test-helpers';
export { MONITOR_ACCOUNT_SQL } from '../receivers/mysql/testdata/monitor-account';
