// Temp dirs of a test file, removed when its process exits (pass or fail), so that runs of the
// suite do not leave data dirs and copy records behind in the system's temp dir.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];

process.on('exit', () => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new empty dir under the system's temp dir, named `<prefix>XXXXXX`. */
export function makeTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
