// A real SMTP server on 127.0.0.1 that keeps every mail it receives (for notification tests).
import { SMTPServer } from 'smtp-server';
import { getFreePort, LOOPBACK } from './ports.ts';

export interface ReceivedMail {
  to: string[];
  raw: string;
  /** The raw mail with quoted-printable soft breaks and escapes undone (good enough to read bodies). */
  text: string;
  subject: string;
}

function undoQuotedPrintable(raw: string): string {
  return raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export interface SmtpSink {
  port: number;
  received: ReceivedMail[];
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const subject = /^Subject: (.*(?:\r?\n[ \t].*)*)/im.exec(raw)?.[1].replace(/\r?\n[ \t]/g, ' ') ?? '';
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          text: undoQuotedPrintable(raw),
          subject,
        });
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  const port = await getFreePort();
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, LOOPBACK, () => resolve());
  });
  return { port, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
