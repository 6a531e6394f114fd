import type { ErrorRequestHandler, RequestHandler, Response } from "express";
import { AppError, type FieldProblem } from "../errors";
import type { Logger } from "../logger";
import { concurrentChange, lostRace, sqlState } from "../transaction";

export const PROBLEM_TYPE_BASE = "https://chainfactor.dev/problems/";

/** RFC 9457 problem details, with the platform's stable code and field-level errors. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldProblem[];
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Unauthenticated",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  409: "Conflict",
  413: "Payload too large",
  415: "Unsupported media type",
  422: "Unprocessable content",
  429: "Too many requests",
  500: "Internal server error",
  503: "Service unavailable",
};

export function sendProblem(res: Response, e: AppError): void {
  const problem: Problem = {
    // extensions first: they never replace the standard members (a `status` extension once did)
    ...e.extra,
    type: PROBLEM_TYPE_BASE + e.code.toLowerCase().replace(/[._]/g, "-"),
    title: TITLES[e.status] ?? "Error",
    status: e.status,
    detail: e.message,
    code: e.code,
    instance: res.locals.requestId,
    ...(e.fields.length ? { errors: e.fields } : {}),
  };
  if (typeof e.extra.retryAfterSeconds === "number") res.set("Retry-After", String(e.extra.retryAfterSeconds));
  res.status(e.status).type("application/problem+json").send(JSON.stringify(problem));
}

/** Turns body-parser's errors into the 4xx they are; everything else unknown is a logged 500. */
function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; message?: string; expose?: boolean };
  switch (e.type) {
    case "entity.parse.failed":
      return new AppError("REQUEST.MALFORMED_JSON", 400, "The body is not valid JSON.");
    case "entity.too.large":
      return new AppError("REQUEST.TOO_LARGE", 413, "The body is larger than the server accepts.");
    case "encoding.unsupported":
      return new AppError("REQUEST.UNSUPPORTED_ENCODING", 415, "Compressed bodies (Content-Encoding) are not accepted: send the JSON uncompressed.");
    case "charset.unsupported":
      return new AppError("REQUEST.UNSUPPORTED_CHARSET", 415, "Send the body as UTF-8 JSON (charset=utf-8).");
    case "request.aborted":
      return new AppError("REQUEST.ABORTED", 400, "The request was aborted.");
  }
  if (err instanceof URIError || (err as Error)?.name === "URIError") {
    return new AppError("REQUEST.MALFORMED_URL", 400, "The URL has malformed percent-encoding; encode path segments with encodeURIComponent.");
  }
  // a race lost outside inTransaction's retries, or a row another request inserted first: a conflict, not a fault
  if (lostRace(err)) return concurrentChange();
  if (sqlState(err) === "23505") {
    return new AppError("REQUEST.CONFLICT", 409, "Another request created the same record at the same moment; read the current state before sending this again.");
  }
  if (typeof e.status === "number" && e.status >= 400 && e.status < 500) {
    return new AppError("REQUEST.INVALID", e.status, e.message ?? "Bad request.");
  }
  return new AppError("SERVER.INTERNAL", 500, "Something went wrong on our side; it has been logged. Retry later, quoting the instance id.");
}

/**
 * How an answered error is logged: a fault (5xx) with its stack; a race lost in Postgres (a 409 made
 * from a database error) as a warning with the database's message; a problem the API answers on
 * purpose (an AppError 4xx: a business refusal, bad input) in one line at info, without a stack:
 * it is an answer, not an incident. An AppError's dotted code is not a SQLSTATE.
 */
export function logAnswered(log: Logger, err: unknown, e: AppError, at: { requestId?: string; path: string; method?: string }): void {
  if (e.status >= 500) log.error({ err, ...at }, "request failed");
  else if (!(err instanceof AppError) && sqlState(err)) log.warn({ code: e.code, sqlState: sqlState(err), detail: (err as Error).message, ...at }, "request lost a race with another one");
  else log.info({ code: e.code, status: e.status, ...at }, "request refused");
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const e = toAppError(err);
    logAnswered(log, err, e, { requestId: res.locals.requestId, method: req.method, path: req.path });
    if (res.headersSent) return;
    sendProblem(res, e);
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError("ROUTE.NOT_FOUND", 404, `There is no ${req.method} ${req.path}. See /openapi.json for the API.`));
};
