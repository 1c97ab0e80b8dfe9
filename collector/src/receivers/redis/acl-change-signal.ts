/**
 * What moves when a node's ACLs may have changed, from `INFO commandstats` (asked in the same INFO as
 * the replication section, Redis 7+): the call counts of the commands that change users
 * (`ACL SETUSER`, `ACL DELUSER`, `ACL LOAD`) or the default user's password (`CONFIG SET requirepass`;
 * any `CONFIG SET` counts). Redis keeps no ACL version or change counter; these counters are the
 * cheapest real trace of a change. Not seen: the counters reset (`CONFIG RESETSTAT`) read as a change,
 * which only costs one extra `ACL LIST`. Redis 6 does not split `ACL` by subcommand (its `ACL` count
 * includes the probe's own `ACL LIST`), so there only `permissions_interval` applies.
 */
const ACL_CHANGING_COMMANDS = ['acl|setuser', 'acl|deluser', 'acl|load', 'config|set'];

/** `calls=` of the ACL-changing commands, e.g. `acl|setuser=3`; '' when the text has no command stats. */
export function aclChangeSignalOf(commandStats: string): string {
  const counts: string[] = [];
  for (const command of ACL_CHANGING_COMMANDS) {
    const at = commandStats.indexOf(`cmdstat_${command}:calls=`);
    if (at < 0) continue;
    const start = at + `cmdstat_${command}:calls=`.length;
    const end = commandStats.indexOf(',', start);
    counts.push(`${command}=${commandStats.slice(start, end < 0 ? undefined : end)}`);
  }
  return counts.join(' ');
}

/** `INFO replication commandstats` split into the two sections (the second '' when the server sent only the first). */
export function splitInfoSections(text: string): { replication: string; commandStats: string } {
  const at = text.indexOf('# Commandstats');
  return at < 0 ? { replication: text, commandStats: '' } : { replication: text.slice(0, at), commandStats: text.slice(at) };
}
