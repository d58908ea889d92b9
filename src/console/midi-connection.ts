import { Backoff } from '../core/backoff.ts';
import { ConnectionSupervisor } from '../core/supervisor.ts';
import { fail, RadError } from '../core/errors.ts';
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
  /** Appended to the reason a link closed (e.g. the Qu's one-client rule, when that is what it looks like). */
  closeNote?: (why: string) => string;
};

/**
 * One MIDI console connection over any transport (TCP 51325 or a MIDI port): opens the byte
 * link and hands bytes to the driver; the lifecycle (loss, backoff 1 s then up to 10 s per
 * ah-midi.md §8, a full re-sync on every reconnect) is the shared ConnectionSupervisor's.
 * SQ and Qu drivers differ in protocol, not in this.
 */
export class MidiConnection {
  link: ByteLink | undefined;
  private readonly supervisor: ConnectionSupervisor;

  constructor(
    readonly transport: MidiTransport,
    private readonly hooks: MidiConnectionHooks,
  ) {
    this.supervisor = new ConnectionSupervisor(
      { connect: () => this.open(), disconnect: () => this.closeLink() },
      {
        report: (state) => {
          if (state === 'online') this.hooks.online();
        },
        onLost: (why) => this.hooks.lost(why),
        backoff: new Backoff(1000, 10000),
        retry: hooks.reconnect !== false,
      },
    );
  }

  get where(): string {
    return describeTransport(this.transport);
  }

  /** Connects and syncs now; throws when that fails (and keeps retrying unless reconnect is off). */
  async connect(): Promise<void> {
    await this.supervisor.open();
  }

  private async open(): Promise<undefined> {
    let link: ByteLink;
    try {
      link = await openMidiLink(this.transport);
    } catch (e) {
      throw fail(
        'E_CONSOLE_OFFLINE',
        `${this.hooks.family} at ${this.where} is not reachable: ${(e as Error).message}`,
      );
    }
    this.link = link;
    link.on('data', (d) => this.hooks.data(d));
    link.on('close', (why) => {
      if (this.link === link) this.supervisor.lost(`${why}${this.hooks.closeNote?.(why) ?? ''}`);
    });
    try {
      // a console that takes the connection but never completes its sync is retried, not left half-open
      await this.hooks.opened(link);
    } catch (e) {
      throw new RadError('E_CONSOLE_OFFLINE', `sync failed: ${(e as Error).message}`, { cause: e });
    }
    return undefined;
  }

  private async closeLink(): Promise<void> {
    const l = this.link;
    this.link = undefined;
    await l?.close();
  }

  /** The link is gone (closed, silent, unanswered): report it, close it, and try again later. */
  drop(why: string): void {
    this.supervisor.lost(why);
  }

  async close(): Promise<void> {
    await this.supervisor.stop();
  }
}
