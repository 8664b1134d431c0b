// Expected outcomes (bad input, business rules) are values, never exceptions.
// `code` is stable and machine-readable; `message` is for humans and may change.

export type Ok<T> = { ok: true; value: T };
export type Err = { ok: false; code: string; message: string };
export type Result<T> = Ok<T> | Err;

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

export function err(code: string, message: string): Err {
  return { ok: false, code, message };
}
