/**
 * Runs an async task every intervalMs, never two at once: when a tick is slower than the
 * interval (a loaded server), the next one starts when it ends instead of piling up queries on
 * the probe's single connection. stop() waits for the tick in flight.
 */
export class Ticker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private stopped = true;

  constructor(
    private readonly intervalMs: number,
    private readonly task: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.task()
        .catch((err: unknown) => this.onError(err))
        .finally(() => {
          this.running = null;
          this.schedule();
        });
    }, this.intervalMs);
    // A probe must never keep the process alive on its own.
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.running) await this.running;
  }
}
