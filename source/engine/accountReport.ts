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

export class AccountReport {
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
