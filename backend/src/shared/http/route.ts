import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { Router, type Request, type Response } from "express";
import { z, type ApiTag } from "./openapi";
import { AppError, forbidden } from "../errors";
import { authOf, type AuthContext } from "./auth";
import { parseOrThrow } from "./validation";
import type { OrgRole } from "../principal";

/** The problem+json schema every error response uses. */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().openapi({ example: "REQUEST.INVALID" }),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

export interface RouteContext<B, P, Q> {
  body: B;
  params: P;
  query: Q;
  auth: AuthContext;
  requestId: string;
  req: Request;
  res: Response;
}

/**
 * An operation's name in /openapi.json, `<module>.<verb>` (`receivables.register`,
 * `financing.acceptQuote`): the module is the folder that declares the route (`indexer` outside
 * modules), the verb camelCase. Integrators' generated clients name their methods after it: once
 * published, never rename one.
 */
export type OperationId = `${string}.${string}`;
const OPERATION_ID = /^[a-z][a-zA-Z]*\.[a-z][a-zA-Z]*$/;

export interface RouteSpec<B extends z.ZodType, P extends z.ZodType, Q extends z.ZodType, R extends z.ZodType> {
  method: "get" | "post" | "delete";
  /** Express path, e.g. /v1/organizations/:id */
  path: string;
  operationId: OperationId;
  /** One line: what it does (also a draft's `action`, in words). */
  summary: string;
  /**
   * What an integrator needs beyond the summary: what the answer holds, what happens next, what
   * is refused. Who may call it is added from `roles`, `commit` and public routes.
   */
  description: string;
  tag: ApiTag;
  /** Organization roles allowed to call (any of them); omitted: any authenticated caller. */
  roles?: OrgRole[];
  /**
   * Moves money or creates an obligation: only an approver may do it; a clerk submits it as a
   * draft (POST /v1/drafts) for an approver to decide (four-eyes).
   */
  commit?: boolean;
  /** A person's own session or password: allowed whatever their duty (a viewer signs out too). */
  anyDuty?: boolean;
  /** An approver's act in person (a signature with its own key): approvers only, and no clerk drafts it. */
  inPerson?: boolean;
  body?: B;
  params?: P;
  query?: Q;
  /** Request headers the endpoint reads, for /openapi.json (e.g. Prefer). */
  headers?: z.ZodObject;
  status: number;
  response?: R;
  handler: (ctx: RouteContext<z.infer<B>, z.infer<P>, z.infer<Q>>) => Promise<z.infer<R> | undefined>;
}

/** A route anyone may call, signed in or not (signing in): its handler gets no caller. */
export type PublicRouteSpec<B extends z.ZodType, P extends z.ZodType, Q extends z.ZodType, R extends z.ZodType> = Omit<RouteSpec<B, P, Q, R>, "roles" | "commit" | "anyDuty" | "inPerson" | "handler"> & {
  handler: (ctx: Omit<RouteContext<z.infer<B>, z.infer<P>, z.infer<Q>>, "auth">) => Promise<z.infer<R> | undefined>;
};

type AnySpec = RouteSpec<z.ZodType, z.ZodType, z.ZodType, z.ZodType>;

/** A mounted route, found again by method and concrete path (a draft names the request it stands for). */
export interface RouteMatch {
  spec: AnySpec;
  params: Record<string, string>;
}

export const readOnly = () => new AppError("DUTY.READ_ONLY", 403, "You can read here but not change anything: ask your organization's admin for the clerk or approver duty.");
export const auditorReadOnly = () => new AppError("DUTY.READ_ONLY", 403, "An auditor organization reads and changes nothing, whatever the credential.");
export const approverRequired = () =>
  new AppError("DUTY.APPROVER_REQUIRED", 403, "This needs an approver of your organization: submit it as a draft (POST /v1/drafts) and an approver will decide.");

export const approverInPerson = () =>
  new AppError("DUTY.APPROVER_REQUIRED", 403, "This is an approver's own act, with its own signing key: an approver of your organization does it in person (it cannot be drafted).");

const Empty = z.object({}).strict();
/** A body-less route's body: none, or an empty object (built once, not per request). */
const NoBody = Empty.optional();

/** Mounts routes on an express router and describes each in the OpenAPI registry. */
export class Routes {
  readonly router = Router();
  private readonly mounted: { spec: AnySpec; pattern: RegExp; keys: string[] }[] = [];
  private readonly publicRoutes = new Set<string>();
  /** Public routes with path parameters (e.g. a document's verification by its id), as patterns. */
  private readonly publicPatterns: { method: string; pattern: RegExp }[] = [];
  private readonly operationIds = new Set<string>();
  private readonly tagsByName = new Map<string, ApiTag>();

  constructor(readonly registry: OpenAPIRegistry) {}

  /** The tags the routes use, in the order first used: the document's top-level `tags`. */
  get tags(): ApiTag[] {
    return [...this.tagsByName.values()];
  }

  /** Whether a request goes to a public route (one that needs no caller). */
  isPublic(method: string, path: string): boolean {
    const m = method.toLowerCase();
    return this.publicRoutes.has(`${m} ${path}`) || this.publicPatterns.some((p) => p.method === m && p.pattern.test(path));
  }

  /** The authenticated route a method and concrete path go to, with its path parameters. */
  match(method: string, path: string): RouteMatch | null {
    for (const m of this.mounted) {
      if (m.spec.method !== method) continue;
      const found = m.pattern.exec(path);
      if (found) return { spec: m.spec, params: Object.fromEntries(m.keys.map((k, i) => [k, decodeURIComponent(found[i + 1])])) };
    }
    return null;
  }

  /**
   * Runs a route as `auth` would from the HTTP layer: its roles, duty and suspension checks, its
   * validation, then its handler. Used for every request and for an approved draft.
   */
  async invoke(spec: AnySpec, auth: AuthContext, raw: { params: unknown; query: unknown; body: unknown }, req: Request, res: Response): Promise<unknown> {
    // a read-only caller hears that first, whatever the route: nothing here is theirs to change. An
    // auditor organization reads and does nothing else, whatever the credential (session or key)
    // and whatever the route (people and keys included); only its own session is its own (anyDuty)
    if (spec.method !== "get" && !spec.anyDuty) {
      if (auth.readOnly || auth.has("auditor")) throw auditorReadOnly();
      if (auth.duty === "viewer") throw readOnly();
    }
    if (spec.roles && !spec.roles.some((r) => auth.has(r))) {
      throw forbidden(`This needs an organization with role ${spec.roles.join(" or ")}.`);
    }
    if (spec.method !== "get") {
      if (auth.organization.status === "suspended") {
        throw new AppError("ORGANIZATION.SUSPENDED", 403, "Your organization is suspended: it can read but not change anything. Contact the operator.");
      }
      if (spec.commit && auth.duty !== "approver") throw approverRequired();
      if (spec.inPerson && auth.duty !== "approver") throw approverInPerson();
    }
    const { params, query, body } = parse(spec, raw);
    return spec.handler({ body, params, query, auth, requestId: res.locals.requestId, req, res });
  }

  addPublic<B extends z.ZodType = typeof Empty, P extends z.ZodType = typeof Empty, Q extends z.ZodType = typeof Empty, R extends z.ZodType = z.ZodVoid>(
    spec: PublicRouteSpec<B, P, Q, R>,
  ): void {
    this.publicRoutes.add(`${spec.method} ${spec.path}`);
    if (spec.path.includes(":")) this.publicPatterns.push({ method: spec.method, pattern: new RegExp(`^${spec.path.replace(/:(\w+)/g, "[^/]+")}$`) });
    this.describe(spec as AnySpec);
    this.router[spec.method](spec.path, async (req, res, next) => {
      try {
        const parsed = parse(spec as AnySpec, req);
        reply(res, spec.status, await spec.handler({ ...parsed, requestId: res.locals.requestId, req, res } as never));
      } catch (e) {
        next(e);
      }
    });
  }

  add<B extends z.ZodType = typeof Empty, P extends z.ZodType = typeof Empty, Q extends z.ZodType = typeof Empty, R extends z.ZodType = z.ZodVoid>(
    spec: RouteSpec<B, P, Q, R>,
  ): void {
    const keys = [...spec.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
    const pattern = new RegExp(`^${spec.path.replace(/:(\w+)/g, "([^/]+)")}$`);
    this.mounted.push({ spec: spec as unknown as AnySpec, pattern, keys });
    this.describe(spec as unknown as AnySpec);
    this.router[spec.method](spec.path, async (req, res, next) => {
      try {
        reply(res, spec.status, await this.invoke(spec as unknown as AnySpec, authOf(req), req, req, res));
      } catch (e) {
        next(e);
      }
    });
  }

  private describe(spec: AnySpec): void {
    if (!OPERATION_ID.test(spec.operationId)) throw new Error(`${spec.method} ${spec.path}: operationId ${spec.operationId} is not <module>.<camelCaseVerb>`);
    if (this.operationIds.has(spec.operationId)) throw new Error(`${spec.method} ${spec.path}: operationId ${spec.operationId} is already used`);
    this.operationIds.add(spec.operationId);
    const known = this.tagsByName.get(spec.tag.name);
    if (known && known.description !== spec.tag.description) throw new Error(`tag ${spec.tag.name} is defined twice, differently`);
    this.tagsByName.set(spec.tag.name, spec.tag);
    const errors = Object.fromEntries(
      [400, 401, 403, 404, 409, 413, 422, 429].map((s) => [s, { description: "Problem", content: { "application/problem+json": { schema: ProblemSchema } } }]),
    );
    this.registry.registerPath({
      method: spec.method,
      path: spec.path.replace(/:(\w+)/g, "{$1}"),
      operationId: spec.operationId,
      summary: spec.summary,
      tags: [spec.tag.name],
      description: [
        spec.description,
        [
          spec.roles ? `Callers: organizations with role ${spec.roles.join(" or ")}.` : "",
          spec.commit ? "Needs an approver (a clerk submits it as a draft: POST /v1/drafts)." : "",
          spec.inPerson ? "An approver's own act, in person: a clerk cannot draft it." : "",
          this.publicRoutes.has(`${spec.method} ${spec.path}`) ? "No credentials needed." : "",
        ]
          .filter(Boolean)
          .join(" "),
      ]
        .filter(Boolean)
        .join("\n\n"),
      request: {
        ...(spec.params ? { params: spec.params as never } : {}),
        ...(spec.query ? { query: spec.query as never } : {}),
        ...(spec.body ? { body: { content: { "application/json": { schema: spec.body } } } } : {}),
        ...(spec.method === "post" && !this.publicRoutes.has(`${spec.method} ${spec.path}`)
          ? {
              headers: z.object({
                "idempotency-key": z
                  .string()
                  .max(255)
                  .regex(/^[\x21-\x7e]{1,255}$/)
                  .optional()
                  .openapi({ description: "Replays the first response for a repeated request (1 to 255 visible ASCII characters)." }),
              }),
            }
          : spec.headers
            ? { headers: spec.headers as never }
            : {}),
      },
      responses: {
        [spec.status]: spec.response
          ? { description: "OK", content: { "application/json": { schema: spec.response } } }
          : { description: "Accepted" },
        ...errors,
      },
    });
  }
}

/** Params, query and body validated against the route's schemas (422 naming each field at fault). */
function parse(spec: AnySpec, raw: { params: unknown; query: unknown; body: unknown }) {
  const params = parseOrThrow(spec.params ?? Empty, raw.params, "params");
  const query = parseOrThrow(spec.query ?? Empty, raw.query, "query");
  const body = spec.body ? parseOrThrow(spec.body, raw.body === undefined ? {} : raw.body, "body") : (parseOrThrow(NoBody, raw.body, "body") ?? {});
  return { params, query, body };
}

function reply(res: Response, status: number, result: unknown): void {
  if (result === undefined) res.status(status).end();
  else res.status(status).json(result);
}
