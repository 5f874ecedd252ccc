/**
 * Runs async tasks one after another. Wallet operations read the keystore, await a slow KDF, then write it back;
 * two interleaved ones would each write a file missing the other's change.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
