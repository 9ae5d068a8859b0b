// The seed's words for the wizard (docs/seed-sync-email-accounts.txt), with "FuseMail email
// account" read as the destination account.
import type { SyncMode } from '../../engine/types.ts';

export interface ModeText {
  label: string;
  explanation: string;
  caution?: string;
  suggested: string;
}

export const MODE_TEXTS: Record<SyncMode, ModeText> = {
  all: {
    label: 'Sync All',
    explanation:
      'Mirror: each destination account is made exactly like the source. Missing folders are created and extra ones deleted, missing messages copied, messages absent from the source and duplicate copies deleted, flags set as on the source.',
    caution:
      "CAUTION: Syncing All will replace your respective destination email account data with that of the remote server. This option should only be used if the destination email accounts being sync'd are not in use. Data in your destination email account, such as new email received, will be lost as this feature will sync your data exactly as it appears on your remote server.",
    suggested: 'Initial Sync; Sync before MX record change.',
  },
  'flags-new': {
    label: 'Flags and New Messages',
    explanation:
      'This option will download any messages from your remote server which have not been previously downloaded during prior sync operations to your destination email account. It will also update the flags on your destination email account to make them appear as they do on the remote server. Never deletes.',
    suggested:
      'Sync when users may still be accessing the remote server, but mail is possibly arriving at the new accounts. Useful leading up to a MX record change or just after the change.',
  },
  new: {
    label: 'New Messages',
    explanation:
      'This option will only download messages not previously downloaded from the remote server to your destination email account. Never changes or deletes anything already there.',
    suggested: 'Anytime after the MX record change, or after clients begin using their new email accounts.',
  },
};

export const GROUP_LABELS = { all: 'All Accounts', admin: 'Admin Accounts', specific: 'Specific Accounts' } as const;

export const TLS_LABELS = { none: 'None', starttls: 'STARTTLS', tls: 'TLS (implicit)' } as const;

export const STEP2_INTRO =
  'Test authentication before continuing (t: this account, T: all checked). The remote username and password default to the account\u2019s email and destination password; if the password is the same on the remote server, leave it blank.';

export const NOTIFY_HELP =
  'Email addresses (up to 255 characters) of users to send status updates of the sync to. Separate addresses with a semi-colon.';

/** The word to type before a Sync All without dry run is created. */
export const SYNC_ALL_WORD = 'SYNC ALL';

/** Beside the connections field of step 1: what the number means (SyncSettings.connections). */
export const CONNECTIONS_HINT = 'per user per server: folders at once (Dovecot allows 10)';
