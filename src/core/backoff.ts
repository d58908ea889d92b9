/** Reconnect delays shared by every driver: 1 s three times, then doubling, capped at 60 s. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly baseMs = 1000,
    private readonly capMs = 60000,
    private readonly flatTries = 3,
  ) {}

  next(): number {
    const n = this.attempt++;
    if (n < this.flatTries) return this.baseMs;
    return Math.min(this.capMs, this.baseMs * 2 ** (n - this.flatTries + 1));
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
