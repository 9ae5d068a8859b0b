// `imap-migrate demo`: two throwaway Dovecots on loopback (an "old" server with sample
// mailboxes and a "new" empty one), a data dir of its own with the destination, the
// accounts and two syncs set up — everything removed again by cleanup().
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDovecot, type Dovecot } from './dovecot.ts';
import { seedSampleMailbox } from './sample.ts';

export const DEMO_USERS = ['ann', 'ben', 'chloe', 'dan'].map((name) => ({
  name: `${name}@demo.example`,
  password: `${name}-demo-pass`,
}));

export interface Demo {
  dataDir: string;
  source: Dovecot;
  destination: Dovecot;
  messages: number;
  cleanup(): Promise<void>;
}

export async function startDemo(progress: (line: string) => void): Promise<Demo> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imap-migrate-demo-'));
  progress('starting two local IMAP servers (old: "." folders and "Sent Items"; new: "/" folders and "Sent")');
  const [source, destination] = await Promise.all([
    startDovecot({ users: DEMO_USERS, separator: '.', specialNames: { Sent: 'Sent Items' } }),
    startDovecot({ users: DEMO_USERS, separator: '/' }),
  ]);
  const cleanup = async () => {
    await Promise.all([source.stop(), destination.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    let messages = 0;
    for (const [index, user] of DEMO_USERS.entries()) {
      progress(`filling ${user.name} on the old server`);
      messages += await seedSampleMailbox(source.endpoint(), user.name, user.password, '.', 1 + index * 0.5);
    }
    return { dataDir: path.join(dir, 'data'), source, destination, messages, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
