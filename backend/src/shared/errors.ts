/** A field-level problem in a request. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * The one error base class: a stable code (`DOMAIN.PROBLEM`), the HTTP status it maps to and a
 * message a person can act on. The HTTP layer renders it as application/problem+json.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly fields: FieldProblem[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const badRequest = (code: string, message: string, fields: FieldProblem[] = []) => new AppError(code, 400, message, fields);
export const validationFailed = (fields: FieldProblem[], message = "The request is invalid; see `errors` for each field.") =>
  new AppError("REQUEST.INVALID", 422, message, fields);
export const unauthorized = (message = "Send a valid API key in the Authorization header: `Bearer <key>`.") =>
  new AppError("AUTH.UNAUTHENTICATED", 401, message);
export const forbidden = (message: string) => new AppError("AUTH.FORBIDDEN", 403, message);
/** Another organization's object is reported as absent: existence is not leaked across tenants. */
export const notFound = (what: string, id: string) => new AppError("RESOURCE.NOT_FOUND", 404, `No ${what} with id ${id}.`);
export const conflict = (code: string, message: string, extra: Record<string, unknown> = {}) =>
  new AppError(code, 409, message, [], extra);
