import i18n from "i18next";
import { ApiProblem } from "../api/client";

/**
 * What to tell the person about a failure: the `errors:<CODE>` entry when the catalogue has one,
 * else the server's own (English) detail. `exists` is asked first so the fallback is not recorded
 * as a missing key.
 */
export function problemText(error: unknown): string {
  if (error instanceof ApiProblem) return codeText(error.code, error.detail, error.retryAfter ?? "");
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * A failure the API records rather than answers (an operation's error, a financing's or a
 * certificate's failure): its code in words, else the server's own text.
 */
export function codeText(code: string, detail: string, seconds: number | string = ""): string {
  const key = `errors:${code}`;
  return i18n.exists(key) ? i18n.t(key, { detail, seconds }) : detail;
}

/** Field-level messages by field name (the API's `errors[]`), for Field's error slot. */
export function fieldProblems(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (error instanceof ApiProblem) for (const f of error.fields) out[f.field] ??= f.message;
  return out;
}
