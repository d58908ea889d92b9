// The page speaks only the public REST API and the event WebSocket, with the session cookie.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrf = '';
export const setCsrf = (c: string) => {
  csrf = c;
};

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrf;
  let r: Response;
  try {
    r = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'E_NETWORK', 'rad does not answer (is the daemon running?)');
  }
  const text = await r.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = text;
  }
  if (!r.ok) {
    const d = data as { error?: string; message?: string } | undefined;
    throw new ApiError(r.status, d?.error ?? `HTTP_${r.status}`, d?.message ?? String(text).slice(0, 200));
  }
  return data as T;
}

/** An error as the page shows it: the API's code and message. */
export const describe = (e: unknown) => (e instanceof ApiError ? `${e.code}: ${e.message}` : String(e));

export type Device = {
  id: string;
  kind: string;
  state: string;
  since: string;
  detail?: string;
  alerts?: string[];
  info?: Record<string, unknown>;
};
