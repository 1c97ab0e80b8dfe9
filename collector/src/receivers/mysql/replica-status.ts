/**
 * One replication channel, the same for MariaDB's `SHOW ALL SLAVES STATUS`
 * (`Slave_*`/`Master_*` columns) and MySQL 8's `SHOW REPLICA STATUS`
 * (`Replica_*`/`Source_*`; MySQL before 8.0.22 spelled them like MariaDB).
 */
export interface ReplicationChannel {
  /** `Connection_name` / `Channel_Name`; '' for the default channel. */
  name: string;
  /** `Yes`, `No` or `Connecting`. */
  ioRunning: string;
  /** `Yes` or `No`. */
  sqlRunning: string;
  sourceHost: string;
  sourcePort: number;
  /** 0 until the IO thread first connected. */
  sourceServerId: number;
  /** The source's binary log file and offset of the last event executed here. */
  execSourceLogFile: string;
  execSourceLogPos: number;
  /** NULL while a thread is stopped; the age of the event being applied, not a true delay. */
  secondsBehindSource: number | null;
  lastIoErrno: number;
  lastIoError: string;
  lastSqlErrno: number;
  lastSqlError: string;
  /** MariaDB `Gtid_Slave_Pos`, MySQL `Executed_Gtid_Set`: applied. */
  appliedGtid: string;
  /** MariaDB `Gtid_IO_Pos`, MySQL `Retrieved_Gtid_Set`: received. */
  receivedGtid: string;
}

/** Normalize one status row of either flavor. */
export function replicationChannelOf(row: Record<string, unknown>): ReplicationChannel {
  const text = (...names: string[]): string => {
    for (const name of names) if (row[name] !== undefined && row[name] !== null) return String(row[name]);
    return '';
  };
  const number = (...names: string[]): number => Number(text(...names) || 0);
  const seconds = text('Seconds_Behind_Source', 'Seconds_Behind_Master');
  return {
    name: text('Connection_name', 'Channel_Name', 'Channel_name'),
    ioRunning: text('Replica_IO_Running', 'Slave_IO_Running'),
    sqlRunning: text('Replica_SQL_Running', 'Slave_SQL_Running'),
    sourceHost: text('Source_Host', 'Master_Host'),
    sourcePort: number('Source_Port', 'Master_Port'),
    sourceServerId: number('Source_Server_Id', 'Master_Server_Id'),
    execSourceLogFile: text('Relay_Source_Log_File', 'Relay_Master_Log_File'),
    execSourceLogPos: number('Exec_Source_Log_Pos', 'Exec_Master_Log_Pos'),
    // NULL stays null: a stopped thread is not "0 seconds behind".
    secondsBehindSource: seconds === '' ? null : Number(seconds),
    lastIoErrno: number('Last_IO_Errno'),
    lastIoError: text('Last_IO_Error'),
    lastSqlErrno: number('Last_SQL_Errno'),
    lastSqlError: text('Last_SQL_Error'),
    appliedGtid: text('Gtid_Slave_Pos', 'Executed_Gtid_Set'),
    receivedGtid: text('Gtid_IO_Pos', 'Retrieved_Gtid_Set'),
  };
}

/** Why this channel is not replicating, naming the thread and its last error; undefined when both threads run. */
export function stoppedReasonOf(channel: ReplicationChannel): string | undefined {
  const reasons: string[] = [];
  if (channel.ioRunning !== 'Yes') {
    const state = channel.ioRunning === 'Connecting' ? `connecting to ${channel.sourceHost}:${channel.sourcePort}` : 'stopped';
    reasons.push(`replication link down: IO thread ${state}${errorText(channel.lastIoErrno, channel.lastIoError)}`);
  }
  if (channel.sqlRunning !== 'Yes') reasons.push(`SQL thread stopped${errorText(channel.lastSqlErrno, channel.lastSqlError)}`);
  if (reasons.length === 0) return undefined;
  return `${channel.name !== '' ? `channel ${channel.name}: ` : ''}${reasons.join('; ')}`;
}

function errorText(errno: number, error: string): string {
  return errno !== 0 ? `: Error ${errno} ${error}`.trimEnd() : '';
}
