// Errors that carry the exit code of docs/spec.md section 8, so every layer can fail with
// a one-line, actionable message and the CLI never prints a stack trace for them.

export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  locked: 3,
} as const;

/** Bad usage or bad input: the message is one line saying what is wrong and what to do. Exit 2. */
export class UsageError extends Error {
  readonly exitCode = ExitCode.usage;
  /** Extra lines (e.g. each bad CSV row) printed after the message. */
  readonly details: string[];
  /** Print the command's help after the message (for malformed command lines). */
  readonly showHelp: boolean;
  constructor(message: string, details: string[] = [], options: { showHelp?: boolean } = {}) {
    super(message);
    this.name = 'UsageError';
    this.details = details;
    this.showHelp = options.showHelp ?? false;
  }
}

/** The data dir is held by another live process. Exit 3. */
export class DataDirLockedError extends Error {
  readonly exitCode = ExitCode.locked;
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    readonly holder?: string,
  ) {
    super(
      `data dir ${dataDir} is in use by process ${pid}${holder ? ` (${holder})` : ''}; ` +
        'stop that process or use another --data-dir',
    );
    this.name = 'DataDirLockedError';
  }
}

/** Something the user asked for ran but failed (e.g. a login refused). Exit 1. */
export class OperationError extends Error {
  readonly exitCode = ExitCode.failed;
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'OperationError';
  }
}

export function exitCodeOf(error: unknown): number {
  if (error && typeof error === 'object' && 'exitCode' in error && typeof error.exitCode === 'number') {
    return error.exitCode;
  }
  return ExitCode.failed;
}
