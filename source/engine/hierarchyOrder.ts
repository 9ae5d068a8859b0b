// Parents before children on the destination: a folder waits for the folders above it to be
// done. Run side by side, a child created first turns its parent into a bare directory on
// Dovecot's fs layout, where the parent is a folder Dovecot creates on first use (a special
// folder with `auto`), and the parent then lists as \NoSelect. Tasks come out parents first, so
// a lane only ever waits for a folder another lane already holds.

export class HierarchyOrder<T extends { pair: { destPath: string } }> {
  readonly tasks: T[];
  private readonly finished = new Map<string, { promise: Promise<void>; resolve: () => void }>();

  constructor(
    tasks: T[],
    private readonly delimiter: string,
  ) {
    const depth = (task: T) => task.pair.destPath.split(delimiter).length;
    this.tasks = [...tasks].sort((a, b) => depth(a) - depth(b));
    for (const task of this.tasks) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      this.finished.set(task.pair.destPath, { promise, resolve });
    }
  }

  /** Runs the work of a task once the folders above it are done; it is done when the work ends, however. */
  async inOrder(task: T, work: () => Promise<void>): Promise<void> {
    const parts = task.pair.destPath.split(this.delimiter);
    try {
      for (let length = 1; length < parts.length; length++) {
        await this.finished.get(parts.slice(0, length).join(this.delimiter))?.promise;
      }
      await work();
    } finally {
      this.finished.get(task.pair.destPath)?.resolve();
    }
  }
}
