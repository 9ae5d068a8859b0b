// Notifications sent in the background (a slow SMTP server never holds a run up), each outcome
// written to the sync's history (docs/spec.md N1).
import type { NotifyPort, SyncNotification } from './managerTypes.ts';
import type { HistoryType } from './syncModel.ts';

export class NotificationQueue {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly notifier: NotifyPort | undefined,
    private readonly history: (syncId: string, type: HistoryType, note: string) => Promise<void>,
  ) {}

  send(notification: SyncNotification): void {
    if (!this.notifier) return;
    const sending = this.deliver(this.notifier, notification).finally(() => this.pending.delete(sending));
    this.pending.add(sending);
  }

  /** Resolves once every notification so far is sent (or failed) and in the history. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async deliver(notifier: NotifyPort, notification: SyncNotification): Promise<void> {
    try {
      const outcome = await notifier.notify(notification);
      if (!outcome) return;
      await this.history(
        notification.sync.id,
        outcome.ok ? 'Notification Sent' : 'Notification Failed',
        outcome.detail,
      );
    } catch (error) {
      await this.history(
        notification.sync.id,
        'Notification Failed',
        `${notification.kind}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
