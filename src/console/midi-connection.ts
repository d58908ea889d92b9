import { Backoff } from '../core/backoff.ts';
import { fail } from '../core/errors.ts';
import type { ByteLink } from '../drivers/stream.ts';
import { describeTransport, type MidiTransport, openMidiLink } from '../drivers/midi/transport.ts';

export type MidiConnectionHooks = {
  /** "SQ", "Qu": for messages. */
  family: string;
  /** Reconnect with the shared backoff after a loss (default true). */
  reconnect?: boolean;
  /** A fresh link is up: reset parsers and timers, then run the full sync (a throw drops the link). */
  opened(link: ByteLink): Promise<void>;
  data(d: Buffer): void;
  /** Synced and live (after the first connect and after every reconnect). */
  online(): void;
  /** The link was lost or could not be opened: fail what waits on it and report offline. */
  lost(why: string): void;
  /** Appended to the reason a link closed (e.g. the Qu's one-client rule). */
  closeNote?: () => string;
};

/**
 * One MIDI console connection over any transport (TCP 51325 or a MIDI port): opens the byte
 * link, hands bytes to the driver, and on a loss tells the driver and reconnects with the shared
 * backoff (1 s, then up to 10 s, ah-midi.md §8); every reconnect runs the driver's full sync.
 * SQ and Qu drivers differ in protocol, not in this.
 */
export class MidiConnection {
  link: ByteLink | undefined;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly backoff = new Backoff(1000, 10000);

  constructor(
    readonly transport: MidiTransport,
    private readonly hooks: MidiConnectionHooks,
  ) {}

  get where(): string {
    return describeTransport(this.transport);
  }

  async connect(): Promise<void> {
    this.closed = false;
    let link: ByteLink;
    try {
      link = await openMidiLink(this.transport);
    } catch (e) {
      this.drop((e as Error).message);
      throw fail(
        'E_CONSOLE_OFFLINE',
        `${this.hooks.family} at ${this.where} is not reachable: ${(e as Error).message}`,
      );
    }
    this.link = link;
    link.on('data', (d) => this.hooks.data(d));
    link.on('close', (why) => {
      if (this.link === link) this.drop(`${why}${this.hooks.closeNote?.() ?? ''}`);
    });
    try {
      await this.hooks.opened(link);
    } catch (e) {
      // a console that takes the connection but never completes its sync is retried, not left half-open
      if (this.link === link) this.drop(`sync failed: ${(e as Error).message}`);
      throw e;
    }
    this.backoff.reset();
    this.hooks.online();
  }

  /** The link is gone (closed, silent, unanswered): report it, close it, and try again later. */
  drop(why: string): void {
    const l = this.link;
    this.link = undefined;
    if (l) void l.close();
    this.hooks.lost(why);
    if (this.closed || this.hooks.reconnect === false) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      this.connect().catch(() => {}); // drop() already scheduled the next try
    }, this.backoff.next());
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const l = this.link;
    this.link = undefined;
    await l?.close();
  }
}
