import type { PermissionEntry } from '../../model/types';
import { permissionHash } from '../shared/fingerprint';
import type { MysqlFlavor } from './client';

/**
 * The grant tables the fingerprint hashes, per flavor, each ordered so the hash
 * does not depend on the server's row order. Password hashes never leave the
 * server: MariaDB's `Priv` JSON has `authentication_string` (and the
 * alternatives in `auth_or`) removed by the query itself, MySQL's `mysql.user`
 * is read by named columns without it. Timestamps (password_last_changed,
 * tables_priv.Timestamp) and version_id are left out: they differ between
 * nodes holding the same grants.
 */
export const PERMISSION_SQL: Readonly<Record<MysqlFlavor, readonly { table: string; sql: string }[]>> = {
  mariadb: [
    {
      table: 'mysql.global_priv',
      sql: `SELECT User, Host,
  CONCAT('', JSON_REMOVE(Priv, '$.authentication_string', '$.auth_or', '$.password_last_changed', '$.version_id')) AS priv,
  CONCAT('', JSON_EXTRACT(Priv, '$.auth_or[*].plugin')) AS alternative_plugins
FROM mysql.global_priv ORDER BY User, Host`,
    },
    { table: 'mysql.db', sql: 'SELECT * FROM mysql.db ORDER BY Host, Db, User' },
    {
      table: 'mysql.tables_priv',
      sql: 'SELECT Host, Db, User, Table_name, Grantor, Table_priv, Column_priv FROM mysql.tables_priv ORDER BY Host, Db, User, Table_name',
    },
    { table: 'mysql.roles_mapping', sql: 'SELECT Host, User, Role, Admin_option FROM mysql.roles_mapping ORDER BY Host, User, Role' },
  ],
  mysql: [
    { table: 'mysql.user', sql: 'SELECT User, Host, plugin, ssl_type, account_locked, password_expired FROM mysql.user ORDER BY User, Host' },
    {
      table: 'information_schema.USER_PRIVILEGES',
      sql: 'SELECT GRANTEE, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.USER_PRIVILEGES ORDER BY GRANTEE, PRIVILEGE_TYPE',
    },
    { table: 'mysql.db', sql: 'SELECT * FROM mysql.db ORDER BY Host, Db, User' },
    {
      table: 'mysql.tables_priv',
      sql: 'SELECT Host, Db, User, Table_name, Grantor, Table_priv, Column_priv FROM mysql.tables_priv ORDER BY Host, Db, User, Table_name',
    },
    {
      table: 'mysql.role_edges',
      sql: 'SELECT FROM_HOST, FROM_USER, TO_HOST, TO_USER, WITH_ADMIN_OPTION FROM mysql.role_edges ORDER BY FROM_HOST, FROM_USER, TO_HOST, TO_USER',
    },
  ],
};

/** Columns never hashed even if a table grows one: a hash of a password hash is still a leak of equality. */
const NEVER_HASHED = new Set(['authentication_string', 'password', 'password_last_changed', 'timestamp']);

/**
 * Accounts and what they may do (every grant table row, column names included
 * so a new privilege column counts), plus the settings that weaken validation
 * (`require_secure_transport`; accounts' `ssl_type` is part of their row).
 */
export function permissionFingerprintOf(
  tables: readonly { table: string; rows: readonly Record<string, unknown>[] }[],
  settings: readonly { name: string; value: string }[],
): string {
  const parts: string[] = [];
  for (const { table, rows } of tables) {
    for (const row of rows) {
      const kept = Object.entries(row).filter(([column]) => !NEVER_HASHED.has(column.toLowerCase()));
      parts.push(`${table} ${JSON.stringify(kept)}`);
    }
  }
  for (const s of settings) parts.push(`setting ${s.name}=${s.value}`);
  return permissionHash(parts);
}

/** Columns that name whom a grant-table row is about (the entry's subject), not what it grants. */
const SUBJECT_COLUMNS = ['user', 'host', 'db', 'table_name', 'grantee', 'role', 'from_user', 'from_host', 'to_user', 'to_host'];

/**
 * The grant tables one entry per row, for naming what drifted:
 * `mysql.db app@% on shop` → `Select_priv Insert_priv`. The same columns as the
 * fingerprint: password hashes are never read or shown.
 */
export function permissionEntriesOf(
  tables: readonly { table: string; rows: readonly Record<string, unknown>[] }[],
  settings: readonly { name: string; value: string }[],
): PermissionEntry[] {
  const entries: PermissionEntry[] = [];
  for (const { table, rows } of tables) {
    for (const row of rows) {
      const kept = Object.entries(row).filter(([column]) => !NEVER_HASHED.has(column.toLowerCase()));
      const subject = kept.filter(([c]) => SUBJECT_COLUMNS.includes(c.toLowerCase())).map(([, v]) => String(v));
      const rules = kept
        .filter(([c]) => !SUBJECT_COLUMNS.includes(c.toLowerCase()))
        .map(([c, v]) => (v === 'Y' ? c : v === 'N' || v === '' || v === null ? '' : `${c}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`))
        .filter((t) => t.length > 0);
      entries.push({ subject: `${table} ${subject.join(' ')}`, rules: rules.join(' ') });
    }
  }
  for (const s of settings) entries.push({ subject: `setting ${s.name}`, rules: s.value });
  return entries;
}
