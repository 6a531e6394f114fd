import i18n from "i18next";
import { ApiProblem } from "../api/client";

/**
 * What to tell the person about a failure: the `errors:<CODE>` entry when the catalogue has one,
 * else the server's own (English) detail. `exists` is asked first so the fallback is not recorded
 * as a missing key.
 */
export function problemText(error: unknown): string {
  if (error instanceof ApiProblem) {
    const key = `errors:${error.code}`;
    if (i18n.exists(key)) return i18n.t(key, { detail: error.detail, seconds: error.retryAfter ?? "" });
    return error.detail;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Field-level messages by field name (the API's `errors[]`), for Field's error slot. */
export function fieldProblems(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (error instanceof ApiProblem) for (const f of error.fields) out[f.field] ??= f.message;
  return out;
}
