/**
 * The least-privilege MariaDB monitoring account of docs/monitoring-roles.md, as
 * the tests and the capture script create it (on the primary: grants replicate).
 */
export const MONITOR_ACCOUNT_SQL = (password: string, user = 'rebound_monitor'): string[] => [
  `CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`,
  `GRANT SLAVE MONITOR, REPLICATION CLIENT ON *.* TO '${user}'@'%'`,
  `GRANT SELECT ON mysql.* TO '${user}'@'%'`,
];
