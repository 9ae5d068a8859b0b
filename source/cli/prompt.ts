// Asking for a password on the terminal, without echo, so that none is ever needed on a
// command line (where `ps` and the shell history would keep it).
import { UsageError } from '../errors.ts';

export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY && typeof process.stdin.setRawMode === 'function');
}

/** Reads one line from the terminal with echo off. Ctrl+C or Ctrl+D cancels (exit 2). */
export function promptPassword(label: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(`${label}: `);
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') {
          finish();
          if (value.length === 0) reject(new UsageError(`no password entered for ${label}`));
          else resolve(value);
          return;
        }
        if (char === '\u0003' || char === '\u0004') {
          finish();
          reject(new UsageError('cancelled'));
          return;
        }
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else if (char >= ' ') value += char;
      }
    };
    input.on('data', onData);
  });
}

/**
 * When `userOption` is given without any password source (option, file, environment) and a
 * terminal is there, asks for the password and puts it where the option would have.
 */
export async function promptForMissingPassword(
  argv: Record<string, unknown>,
  names: { userOption: string; valueOption: string; fileOption: string; envName?: string; label: string },
): Promise<void> {
  if (argv[names.userOption] === undefined) return;
  if (argv[names.valueOption] !== undefined || argv[names.fileOption] !== undefined) return;
  if (names.envName && process.env[names.envName]) return;
  if (!canPrompt()) return;
  argv[names.valueOption] = await promptPassword(names.label);
}
