// Counters, download log and error log of one account in one run, emitted as they change.
import {
  zeroCounters,
  type AccountEvent,
  type AccountResult,
  type AccountStatus,
  type Counters,
  type ErrorCode,
  type ErrorLine,
  type LogLine,
} from './types.ts';

/** What the work on one folder reports through: counters, the download log and the error log. */
export interface ReportSink {
  readonly counters: Counters;
  note(text: string): void;
  error(code: ErrorCode, detail: string): void;
  add(counter: Exclude<keyof Counters, 'errors' | 'bytesDownloaded'>, amount?: number): void;
  /** Bytes of copied messages (for throughput); shown with the next counters event. */
  addBytes(bytes: number): void;
}

export class AccountReport implements ReportSink {
  readonly counters: Counters = zeroCounters();
  readonly errors: ErrorLine[] = [];
  readonly log: LogLine[] = [];
  readonly startedAt = new Date().toISOString();
  completedAt?: string;

  constructor(
    readonly account: string,
    readonly planned: boolean,
    private readonly emit: (event: AccountEvent) => void,
  ) {}

  note(text: string): void {
    const line = { at: new Date().toISOString(), text: this.planned ? `[dry run] ${text}` : text };
    this.log.push(line);
    this.emit({ type: 'log', account: this.account, line });
  }

  error(code: ErrorCode, detail: string): void {
    const line = { at: new Date().toISOString(), code, detail };
    this.errors.push(line);
    this.counters.errors += 1;
    this.emit({ type: 'error', account: this.account, line });
    this.changed();
  }

  add(counter: Exclude<keyof Counters, 'errors'>, amount = 1): void {
    if (amount === 0) return;
    this.counters[counter] += amount;
    this.changed();
  }

  addBytes(bytes: number): void {
    this.counters.bytesDownloaded += bytes;
  }

  /** A report for one folder: it tallies that folder's counters and passes everything on. */
  forFolder(): FolderReport {
    return new FolderReport(this);
  }

  changed(): void {
    this.emit({ type: 'counters', account: this.account, counters: { ...this.counters } });
  }

  finish(status: AccountStatus): AccountResult {
    if (status === 'complete' || status === 'failed') this.completedAt = new Date().toISOString();
    this.emit({ type: 'status', account: this.account, status });
    return {
      account: this.account,
      status,
      planned: this.planned,
      counters: { ...this.counters },
      errors: [...this.errors],
      log: [...this.log],
      startedAt: this.startedAt,
      completedAt: this.completedAt,
    };
  }
}

/**
 * One folder's share of an account's report. Folders of an account run at once (one per
 * connection lane), so a folder's log line is its own tally, not a difference of the account's.
 */
export class FolderReport implements ReportSink {
  readonly counters: Counters = zeroCounters();

  constructor(private readonly account: AccountReport) {}

  note(text: string): void {
    this.account.note(text);
  }

  error(code: ErrorCode, detail: string): void {
    this.counters.errors += 1;
    this.account.error(code, detail);
  }

  add(counter: Exclude<keyof Counters, 'errors' | 'bytesDownloaded'>, amount = 1): void {
    this.counters[counter] += amount;
    this.account.add(counter, amount);
  }

  addBytes(bytes: number): void {
    this.counters.bytesDownloaded += bytes;
    this.account.addBytes(bytes);
  }
}
