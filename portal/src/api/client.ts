/**
 * The one door to the API: openapi-fetch typed by the generated schema (never hand-written
 * types), the CSRF header on every write, problem+json turned into `ApiProblem`, and a 401 sent to
 * the sign-in page. Pages call `get`/`post`/`del` (data or a thrown ApiProblem) inside TanStack
 * Query; `api` is there for the rare call that needs the raw response.
 */
import createClient, { type MaybeOptionalInit, type Middleware } from "openapi-fetch";
import type { PathsWithMethod, RequiredKeysOf } from "openapi-typescript-helpers";
import { QueryClient } from "@tanstack/react-query";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Problem = Schemas["Problem"];

const STANDARD_MEMBERS = new Set(["type", "title", "status", "detail", "code", "instance", "errors"]);

/** An answer of the API that is not a success: its problem+json, typed. */
export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly fields: { field: string; message: string }[];
  /** Seconds to wait before trying again (Retry-After), when the API said so. */
  readonly retryAfter: number | null;
  /** The problem's own members beyond the standard ones (e.g. a sign-in's `organizations`): unchecked JSON. */
  readonly extensions: Record<string, unknown>;

  constructor(status: number, problem: (Partial<Problem> & Record<string, unknown>) | undefined, retryAfter: number | null = null) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.name = "ApiProblem";
    this.status = status;
    this.code = problem?.code ?? (status === 0 ? "NETWORK.UNREACHABLE" : `HTTP.${status}`);
    this.detail = problem?.detail ?? problem?.title ?? `HTTP ${status}`;
    this.fields = problem?.errors ?? [];
    this.retryAfter = retryAfter;
    this.extensions = Object.fromEntries(Object.entries(problem ?? {}).filter(([k]) => !STANDARD_MEMBERS.has(k)));
  }
}

export const isProblem = (e: unknown, status?: number): e is ApiProblem =>
  e instanceof ApiProblem && (status === undefined || e.status === status);

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return null;
}

let onUnauthenticated: () => void = () => undefined;
/** The app says where a 401 leads (the sign-in page); set once by the shell. */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

/** Requests whose 401 is an answer for the form, not a lost session. */
const OWN_401 = ["/v1/sessions", "/v1/invitations/acceptance", "/v1/me/password"];

const sessionMiddleware: Middleware = {
  onRequest({ request }) {
    if (READS.has(request.method)) return undefined;
    const token = readCookie("cf_csrf");
    if (token) request.headers.set("X-CSRF-Token", token);
    return request;
  },
  onResponse({ response, schemaPath }) {
    if (response.status === 401 && schemaPath !== "/v1/me" && !OWN_401.includes(schemaPath)) onUnauthenticated();
    return undefined;
  },
};

export const api = createClient<paths>({ baseUrl: "", credentials: "same-origin" });
api.use(sessionMiddleware);

type Answer<D> = { data?: D; error?: unknown; response: Response };

/** The data of a success, or the answer's problem thrown as an ApiProblem. */
export async function unwrap<D>(call: Promise<Answer<D>>): Promise<Exclude<D, undefined>> {
  let answer: Answer<D>;
  try {
    answer = await call;
  } catch (e) {
    if (e instanceof ApiProblem) throw e;
    throw new ApiProblem(0, { detail: e instanceof Error ? e.message : String(e) });
  }
  const { response } = answer;
  if (!response.ok) {
    const retry = response.headers.get("Retry-After");
    const seconds = retry !== null && /^\d+$/.test(retry) ? Number.parseInt(retry, 10) : null;
    const body = typeof answer.error === "object" && answer.error !== null ? (answer.error as Partial<Problem> & Record<string, unknown>) : undefined;
    throw new ApiProblem(response.status, body, seconds);
  }
  return answer.data as Exclude<D, undefined>;
}

type Init<I> = RequiredKeysOf<I> extends never
  ? [(I & { [key: string]: unknown })?]
  : [I & { [key: string]: unknown }];

export function get<P extends PathsWithMethod<paths, "get">, I extends MaybeOptionalInit<paths[P], "get">>(
  url: P,
  ...init: Init<I>
) {
  return unwrap(api.GET<P, I>(url, ...(init as unknown as [never])));
}

export function post<P extends PathsWithMethod<paths, "post">, I extends MaybeOptionalInit<paths[P], "post">>(
  url: P,
  ...init: Init<I>
) {
  return unwrap(api.POST<P, I>(url, ...(init as unknown as [never])));
}

export function del<P extends PathsWithMethod<paths, "delete">, I extends MaybeOptionalInit<paths[P], "delete">>(
  url: P,
  ...init: Init<I>
) {
  return unwrap(api.DELETE<P, I>(url, ...(init as unknown as [never])));
}

/** A fresh idempotency key per user action, so a retried click is applied once. */
export const idempotencyKey = (): string => crypto.randomUUID();

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will answer the same the second time; only the network or a 5xx is worth one retry.
      retry: (count, error) => count < 1 && !(error instanceof ApiProblem && error.status >= 400 && error.status < 500),
      refetchOnWindowFocus: false,
      staleTime: 10_000,
    },
    mutations: { retry: false },
  },
});

