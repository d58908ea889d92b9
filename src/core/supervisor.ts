import { Backoff } from './backoff.ts';
import { describeError } from './errors.ts';
import type { DeviceState } from './status.ts';

export type SupervisedLink = {
  /**
   * Opens the transport and syncs the device's state (identify, log in, read the map, capture).
   * Resolves when the device is live, with the status detail to show; a throw is a failed attempt
   * (its message becomes the offline detail) and is retried with backoff.
   */
  connect(): Promise<{ state?: 'online' | 'degraded'; detail?: string } | undefined>;
  /** Closes the transport after a loss, a failed attempt or at stop. Must not throw. */
  disconnect(): Promise<void> | void;
  /** Runs every keepAliveMs while live: a ping, a heartbeat read, a renewal. A throw drops the link. */
  keepAlive?(): Promise<void> | void;
};

export type SupervisorOptions = {
  /** Where status goes (a StatusTracker's set, or the driver's events). */
  report(state: DeviceState, detail?: string): void;
  keepAliveMs?: number;
  backoff?: Backoff;
  /** start() waits this long for the first attempt, so a healthy studio is online at READY. */
  firstWaitMs?: number;
  /** Called on every loss, before the reconnect is scheduled (fail what waits on the link). */
  onLost?(why: string): void;
  /** Reconnect after a loss (default true); false leaves the link down until the next open(). */
  retry?: boolean;
};

/**
 * One connection lifecycle for every device rad talks to (X32 over UDP, patchbays over TCP or
 * serial, SQ/Qu over MIDI): starting → connect+sync → online; a loss or a failed keep-alive →
 * offline, disconnect, reconnect with the shared backoff (1 s ×3, then doubling to 60 s) and a
 * full re-sync. Protocol code above it never schedules a retry itself.
 */
export class ConnectionSupervisor {
  private stopped = true;
  private live = false;
  private attempt: Promise<boolean> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private keepAliveRunning = false;
  private readonly backoff: Backoff;
  private lastError: unknown;

  constructor(
    private readonly link: SupervisedLink,
    private readonly opts: SupervisorOptions,
  ) {
    this.backoff = opts.backoff ?? new Backoff();
  }

  /** True between a completed connect and the next loss. */
  get online(): boolean {
    return this.live && !this.stopped;
  }

  get running(): boolean {
    return !this.stopped;
  }

  /** Starts connecting; waits for the first attempt at most firstWaitMs. */
  async start(): Promise<void> {
    this.stopped = false;
    this.opts.report('starting');
    const first = this.connectNow();
    await Promise.race([first, new Promise((r) => setTimeout(r, this.opts.firstWaitMs ?? 2000).unref())]);
  }

  /**
   * Starts and makes one attempt now, throwing its error when it fails (a caller that must know,
   * like the CLI's direct mode); the retries are scheduled all the same.
   */
  async open(): Promise<void> {
    this.stopped = false;
    if (!(await this.connectNow())) throw this.lastError ?? new Error('stopped while connecting');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.live = false;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
    await this.link.disconnect();
    this.opts.report('stopped');
  }

  /** One attempt now (a second caller shares the running one). Resolves true when live. */
  connectNow(): Promise<boolean> {
    this.attempt ??= (async () => {
      if (this.stopped) return false;
      try {
        const r = await this.link.connect();
        if (this.stopped) {
          await this.link.disconnect();
          return false;
        }
        this.live = true;
        this.backoff.reset();
        this.opts.report(r?.state ?? 'online', r?.detail);
        this.startKeepAlive();
        return true;
      } catch (e) {
        this.lastError = e;
        if (!this.stopped) this.lost(describeError(e));
        return false;
      }
    })().finally(() => {
      this.attempt = undefined;
    });
    return this.attempt;
  }

  /** The transport said it is gone, or a request proved it: report, close, try again later. */
  lost(why: string): void {
    this.live = false;
    clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
    if (this.stopped) return;
    this.opts.onLost?.(why);
    this.opts.report('offline', why);
    void this.link.disconnect();
    if (this.retryTimer || this.opts.retry === false) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connectNow();
    }, this.backoff.next());
    this.retryTimer.unref();
  }

  private startKeepAlive(): void {
    clearInterval(this.keepAliveTimer);
    const every = this.opts.keepAliveMs;
    const ka = this.link.keepAlive;
    if (!every || !ka) return;
    this.keepAliveTimer = setInterval(() => {
      if (!this.live || this.stopped || this.keepAliveRunning || this.attempt) return;
      this.keepAliveRunning = true;
      Promise.resolve()
        .then(() => ka.call(this.link))
        .catch((e) => {
          if (this.live) this.lost(describeError(e));
        })
        .finally(() => {
          this.keepAliveRunning = false;
        });
    }, every);
    this.keepAliveTimer.unref();
  }
}
