// Sample mailboxes for the demo: a few hundred plausible messages in nested, non-ASCII and
// special folders, with flags, put on a server through the same IMAP session the engine uses.
import { ImapSession } from '../imap/session.ts';
import type { ServerEndpoint } from '../imap/endpoint.ts';

const SUBJECTS = [
  'Quarterly report',
  'Lunch on Friday?',
  'Re: invoice 2025-114',
  'Server maintenance tonight',
  'Holiday photos',
  'Contract draft v3',
  'Fwd: conference schedule',
  'Password policy update',
  'Meeting notes',
  'Réunion de projet',
];
const PEOPLE = [
  'Alice Martin <alice@old.example>',
  'Bob Chen <bob@old.example>',
  'Chloé Dubois <chloe@partner.example>',
  'Dan Ortiz <dan@vendor.example>',
];

function sampleMessage(user: string, folder: string, index: number): { raw: Buffer; date: Date; flags: string[] } {
  const date = new Date(Date.UTC(2025, index % 12, 1 + (index % 27), 8 + (index % 10), index % 60));
  const subject = `${SUBJECTS[index % SUBJECTS.length]} #${index}`;
  const from = PEOPLE[index % PEOPLE.length];
  const body = Array.from(
    { length: 5 + (index % 40) },
    (_, line) => `Line ${line + 1} of a sample message in ${folder}.`,
  ).join('\r\n');
  const raw = Buffer.from(
    [
      `From: ${from}`,
      `To: ${user}`,
      `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
      `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
      `Message-ID: <demo-${folder.replace(/\W+/g, '-')}-${index}@old.example>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      body,
      '',
    ].join('\r\n'),
  );
  const flags = index % 3 === 0 ? [] : index % 7 === 0 ? ['\\Seen', '\\Flagged'] : ['\\Seen'];
  return { raw, date, flags };
}

/** Fills the user's mailbox on the server: INBOX, Sent Items, Archive/2024, Projets/Été 2025. */
export async function seedSampleMailbox(
  endpoint: ServerEndpoint,
  user: string,
  password: string,
  delimiter: string,
  scale = 1,
): Promise<number> {
  const session = await ImapSession.open(endpoint, { user, password });
  let count = 0;
  try {
    const folders: [string, number][] = [
      ['INBOX', 150],
      ['Sent Items', 40],
      [`Archive${delimiter}2024`, 80],
      [`Projets${delimiter}Été 2025`, 20],
    ];
    for (const [folder, size] of folders) {
      if (folder !== 'INBOX') await session.createFolder(folder, true).catch(() => undefined);
      const messages = Array.from({ length: Math.ceil(size * scale) }, (_, index) =>
        sampleMessage(user, folder, index),
      );
      // 50 at a time in one MULTIAPPEND where the server offers it.
      for (let start = 0; start < messages.length; start += 50) {
        const batch = messages
          .slice(start, start + 50)
          .map((m) => ({ source: m.raw, flags: m.flags, internalDate: m.date.getTime() }));
        await session.appendMany(folder, batch);
        count += batch.length;
      }
    }
  } finally {
    await session.close();
  }
  return count;
}
