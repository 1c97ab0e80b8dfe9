/** One row of the primary's `SHOW BINARY LOGS`: a file and how many bytes it holds. */
export interface BinaryLog {
  name: string;
  sizeBytes: number;
}

/**
 * Bytes the replica still has to execute: from its executed position
 * (`Relay_Master_Log_File` : `Exec_Master_Log_Pos`) to the end of the primary's
 * newest binary log, summing the sizes of the files in between. Undefined when
 * the replica's file is not among the primary's (purged, or another primary's
 * files): then nothing is guessed across files.
 */
export function lagBytesFromBinaryLogs(logs: readonly BinaryLog[], file: string, position: number): number | undefined {
  const index = logs.findIndex((log) => log.name === file);
  if (index < 0) return undefined;
  let bytes = logs[index]!.sizeBytes - position;
  for (const log of logs.slice(index + 1)) bytes += log.sizeBytes;
  return Math.max(0, bytes);
}
