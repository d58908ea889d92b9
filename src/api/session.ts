import { randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'rad_session';
const IDLE_MS = 12 * 3600 * 1000;
const MAX_SESSIONS = 64;

/**
 * Browser sessions of the studio page: the page sends the API token once (POST /api/v1/session)
 * and gets an HttpOnly, SameSite=Strict cookie; the token never sits in the page's storage. Each
 * session has a CSRF token the page sends on every write. Kept in memory: a restart of the
 * daemon asks for the token again. Idle sessions end after 12 h; at most 64 live at once.
 */
export class SessionStore {
  private readonly sessions = new Map<string, { csrf: string; seen: number }>();

  create(): { id: string; csrf: string } {
    this.prune();
    if (this.sessions.size >= MAX_SESSIONS) {
      const oldest = [...this.sessions].sort((a, b) => a[1].seen - b[1].seen)[0]!;
      this.sessions.delete(oldest[0]);
    }
    const id = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    this.sessions.set(id, { csrf, seen: Date.now() });
    return { id, csrf };
  }

  /** The session's CSRF token, or undefined for an unknown or expired session. */
  get(id: string | undefined): string | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (Date.now() - s.seen > IDLE_MS) {
      this.sessions.delete(id);
      return undefined;
    }
    s.seen = Date.now();
    return s.csrf;
  }

  end(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  /** Every session ends (the API token was rotated). */
  clear(): void {
    this.sessions.clear();
  }

  private prune(): void {
    const now = Date.now();
    for (const [id, s] of this.sessions) if (now - s.seen > IDLE_MS) this.sessions.delete(id);
  }
}
