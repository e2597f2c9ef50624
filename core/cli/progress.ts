import type { RecordingProgress } from '../session/index.js';

/**
 * The live progress line of `profile` / `replay`, on stderr so stdout carries only the report.
 * On a terminal it redraws one line; in a pipe or CI log it prints a line every few seconds.
 */

const NON_TTY_EVERY_S = 5;
const BAR_WIDTH = 20;

export class ProgressLine {
  private lastPrinted = -Infinity;
  private drawn = false;
  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {}

  render(p: RecordingProgress): string {
    const frac = p.total_s ? Math.min(1, p.elapsed_s / p.total_s) : 0;
    const filled = Math.round(frac * BAR_WIDTH);
    const bar = p.total_s ? `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ` : '';
    const time = p.total_s ? `${Math.floor(p.elapsed_s)}/${Math.round(p.total_s)} s` : `${Math.floor(p.elapsed_s)} s`;
    const hit = p.hit_rate === null ? '-' : `${(p.hit_rate * 100).toFixed(0)}%`;
    const pool = p.pool_checked_out === null ? '' : `  pool ${p.pool_checked_out.toFixed(0)}${p.pool_size ? `/${p.pool_size}` : ''}`;
    return `${bar}${time}  ${p.phase}  ${p.rps.toFixed(0)} req/s  p95 ${p.p95_ms.toFixed(1)} ms  errors ${p.errors}  hit ${hit}${pool}`;
  }

  update(p: RecordingProgress): void {
    const line = this.render(p);
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[2K${line}`);
      this.drawn = true;
    } else if (p.elapsed_s - this.lastPrinted >= NON_TTY_EVERY_S) {
      this.lastPrinted = p.elapsed_s;
      this.out.write(`${line}\n`);
    }
  }

  /** Leaves the progress line before printing something else. */
  clear(): void {
    if (this.drawn && this.out.isTTY) this.out.write('\r\x1b[2K');
    this.drawn = false;
  }

  log(line: string): void {
    this.clear();
    this.out.write(`${line}\n`);
  }
}
