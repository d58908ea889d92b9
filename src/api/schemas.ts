import { type TSchema, Type as T } from '@sinclair/typebox';

/** Every error leaves the API in this shape (errors.ts). */
export const ErrorBody = T.Object(
  { error: T.String(), message: T.String(), details: T.Optional(T.Unknown()) },
  { additionalProperties: true, description: '{error: E_CODE, message}' },
);

/** An object whose named fields are documented; other fields pass through as they are. */
export const Open = <P extends Record<string, TSchema>>(props: P, description?: string) =>
  T.Object(props, { additionalProperties: true, ...(description ? { description } : {}) });

/** Response schemas of a route: its success body plus the error shape for every 4xx/5xx. */
export function replies<S extends TSchema>(ok: S, status: 200 | 201 | 202 = 200) {
  return { [status]: ok, '4xx': ErrorBody, '5xx': ErrorBody } as { [K in typeof status]: S } & {
    '4xx': typeof ErrorBody;
    '5xx': typeof ErrorBody;
  };
}

export const Id = T.Object({ id: T.String({ minLength: 1 }) });
export const Text = T.String({ description: 'a text document (scene file, HTML, RPP, CSV)' });
