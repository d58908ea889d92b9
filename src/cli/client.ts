import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readToken } from '../core/token.ts';
import { loadSettings, resolveConfigPath } from '../settings/load.ts';
import { CliError } from './output.ts';

export type ClientOptions = { url?: string; token?: string; config?: string };

/** A thin REST client: `--url`, else $RAD_URL, else the `api` section of the config it would load. */
export class DaemonClient {
  readonly base: string;
  readonly token: string | undefined;

  constructor(opts: ClientOptions, env: NodeJS.ProcessEnv = process.env) {
    let url = opts.url ?? env.RAD_URL;
    let token = opts.token ?? env.RAD_TOKEN;
    if (!url || !token) {
      const file = resolveConfigPath(opts.config, env);
      if (!existsSync(file)) {
        url ??= 'http://127.0.0.1:8420'; // no settings: the API's defaults
        token ??= readToken(resolve(env.RAD_DATA_DIR ?? 'data'));
      } else {
        try {
          const s = loadSettings(file, env);
          const host =
            s.api.bind === '0.0.0.0'
              ? '127.0.0.1'
              : s.api.bind === '::'
                ? '[::1]'
                : s.api.bind.includes(':')
                  ? `[${s.api.bind}]`
                  : s.api.bind;
          url ??= `http://${host}:${s.api.port}`;
          // the daemon's own user finds the token in the data directory (data_dir/token, 0600)
          token ??= s.api.token ?? readToken(s.data_dir);
        } catch {
          // a broken config only matters if we needed it for the URL
        }
      }
    }
    if (!url)
      throw new CliError(
        'cannot find the daemon: pass --url, set RAD_URL, or --config with an api section',
        2,
        'E_NO_DAEMON_URL',
      );
    this.base = url.replace(/\/+$/, '');
    this.token = token;
  }

  /** A GET whose answer is not JSON (an HTML report, a scene file). */
  async text(path: string): Promise<string> {
    return (await this.send('GET', path)).text;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const { text, status } = await this.send(method, path, body);
    try {
      return (text === '' ? undefined : JSON.parse(text)) as T;
    } catch {
      throw new CliError(`daemon answered ${status} with non-JSON: ${text.slice(0, 200)}`, 1, 'E_DAEMON_REPLY');
    }
  }

  /** One request with the token; an error answer becomes a CliError with the API's code (exit 2 for 4xx). */
  private async send(method: string, path: string, body?: unknown): Promise<{ text: string; status: number }> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new CliError(
        `cannot reach the daemon at ${this.base} (${(e as Error & { cause?: { code?: string } }).cause?.code ?? (e as Error).message})`,
        1,
        'E_DAEMON_UNREACHABLE',
      );
    }
    const text = await res.text();
    if (!res.ok) {
      let err: { error?: string; message?: string } = {};
      try {
        err = JSON.parse(text);
      } catch {
        // not the API's error shape
      }
      throw new CliError(
        err.message ?? `HTTP ${res.status}`,
        res.status >= 400 && res.status < 500 ? 2 : 1,
        err.error ?? `E_HTTP_${res.status}`,
      );
    }
    return { text, status: res.status };
  }
}
