import type { PermissionEntry } from '../../model/types';
import { permissionHash } from '../shared/fingerprint';

/** A pg_hba_file_rules row, e.g. `{ type: 'host', database: ['all'], user_name: ['all'], address: '127.0.0.1', auth_method: 'scram-sha-256' }`. */
export interface HbaRuleRow {
  type: string | null;
  database: string[] | null;
  user_name: string[] | null;
  address: string | null;
  netmask: string | null;
  auth_method: string | null;
  options: string[] | null;
  error: string | null;
}

/** A login role and its attributes, e.g. `{ rolname: 'rebound_monitor', rolsuper: false, member_of: ['pg_monitor'], … }`. */
export interface LoginRoleRow {
  rolname: string;
  rolsuper: boolean;
  rolinherit: boolean;
  rolcreaterole: boolean;
  rolcreatedb: boolean;
  rolreplication: boolean;
  rolbypassrls: boolean;
  rolconnlimit: number;
  rolvaliduntil: string | null;
  member_of: string[] | null;
}

/**
 * Who may connect how (pg_hba rules, in file order because the first match
 * wins), which roles can log in with what powers, and whether TLS is offered.
 * Line numbers are left out: a comment added above a rule changes nothing.
 * Roles are cluster-wide (replicated), pg_hba.conf and settings are per node:
 * after a failover those are what drift.
 */
export function permissionFingerprintOf(
  hba: readonly HbaRuleRow[],
  roles: readonly LoginRoleRow[],
  settings: readonly { name: string; setting: string }[],
): string {
  const parts = [
    ...hba.map((r) => `hba ${JSON.stringify([r.type, r.database, r.user_name, r.address, r.netmask, r.auth_method, r.options, r.error])}`),
    ...roles.map(
      (r) =>
        `role ${JSON.stringify([r.rolname, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb, r.rolreplication, r.rolbypassrls, r.rolconnlimit, r.rolvaliduntil, r.member_of])}`,
    ),
    ...settings.map((s) => `setting ${s.name}=${s.setting}`),
  ];
  return permissionHash(parts);
}

/**
 * The same facts one entry per subject, for naming what drifted: an HBA rule by
 * its position, type, databases, users and address (`hba #3 host all app
 * 10.0.0.0/8` → `scram-sha-256`), a login role (`role auditor` → its powers), a
 * setting. No secret is read: pg_hba_file_rules and pg_roles carry no passwords.
 */
export function permissionEntriesOf(
  hba: readonly HbaRuleRow[],
  roles: readonly LoginRoleRow[],
  settings: readonly { name: string; setting: string }[],
): PermissionEntry[] {
  const list = (values: string[] | null) => (values ?? []).join(',');
  return [
    ...hba.map((r, i) => ({
      subject: `hba rule #${i + 1} ${[r.type, list(r.database), list(r.user_name), r.address, r.netmask].filter((v) => v !== null && v !== '').join(' ')}`,
      rules: [r.auth_method ?? '', ...(r.options ?? []), r.error === null ? '' : `error:${r.error}`].filter((v) => v.length > 0).join(' '),
    })),
    ...roles.map((r) => ({
      subject: `role ${r.rolname}`,
      rules: [
        r.rolsuper ? 'superuser' : '',
        r.rolinherit ? 'inherit' : 'noinherit',
        r.rolcreaterole ? 'createrole' : '',
        r.rolcreatedb ? 'createdb' : '',
        r.rolreplication ? 'replication' : '',
        r.rolbypassrls ? 'bypassrls' : '',
        r.rolconnlimit >= 0 ? `connlimit:${r.rolconnlimit}` : '',
        r.rolvaliduntil === null ? '' : `validuntil:${r.rolvaliduntil}`,
        ...(r.member_of ?? []).map((m) => `in:${m}`),
      ]
        .filter((v) => v.length > 0)
        .join(' '),
    })),
    ...settings.map((s) => ({ subject: `setting ${s.name}`, rules: s.setting })),
  ];
}
