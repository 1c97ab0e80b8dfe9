import type { PermissionEntry } from '../../model/types';

/**
 * What the demo's permission fingerprints stand for, so its drift reads like a
 * real one: after the failover pg-2 runs the newer pg_hba.conf (`hba-v2`) while
 * the others still have `hba-v1`.
 */
export const DEMO_PERMISSION_ENTRIES: Readonly<Record<string, readonly PermissionEntry[]>> = {
  'hba-v1': [
    { subject: 'hba rule #1 local all postgres', rules: 'peer' },
    { subject: 'hba rule #2 hostssl all app 10.0.0.0/8', rules: 'scram-sha-256' },
    { subject: 'hba rule #3 host replication replicator 10.0.1.0/24', rules: 'scram-sha-256' },
    { subject: 'role app', rules: 'inherit in:app_rw' },
  ],
  'hba-v2': [
    { subject: 'hba rule #1 local all postgres', rules: 'peer' },
    { subject: 'hba rule #2 hostssl all app 10.0.0.0/8', rules: 'scram-sha-256' },
    { subject: 'hba rule #3 host replication replicator 10.0.1.0/24', rules: 'scram-sha-256' },
    { subject: 'hba rule #4 hostssl reports auditor 10.0.2.0/24', rules: 'scram-sha-256' },
    { subject: 'role app', rules: 'inherit in:app_rw' },
    { subject: 'role auditor', rules: 'inherit in:pg_read_all_data' },
  ],
};
