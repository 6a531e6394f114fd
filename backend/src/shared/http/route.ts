import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { Router, type Request, type Response } from "express";
import { z } from "./openapi";
import { AppError, forbidden } from "../errors";
import { authOf, type AuthContext } from "./auth";
import { parseOrThrow } from "./validation";
import type { OrgRole } from "../../modules/onboarding/onboarding.entity";

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

export interface RouteSpec<B extends z.ZodType, P extends z.ZodType, Q extends z.ZodType, R extends z.ZodType> {
  method: "get" | "post" | "delete";
  /** Express path, e.g. /v1/organizations/:id */
  path: string;
  summary: string;
  tag: string;
  /** Organization roles allowed to call (any of them); omitted: any authenticated caller. */
  roles?: OrgRole[];
  body?: B;
  params?: P;
  query?: Q;
  /** Request headers the endpoint reads, for /openapi.json (e.g. Prefer). */
  headers?: z.ZodObject;
  status: number;
  response?: R;
  handler: (ctx: RouteContext<z.infer<B>, z.infer<P>, z.infer<Q>>) => Promise<z.infer<R> | undefined>;
}

const Empty = z.object({}).strict();
/** A body-less route's body: none, or an empty object (built once, not per request). */
const NoBody = Empty.optional();

/** Mounts routes on an express router and describes each in the OpenAPI registry. */
export class Routes {
  readonly router = Router();

  constructor(private readonly registry: OpenAPIRegistry) {}

  add<B extends z.ZodType = typeof Empty, P extends z.ZodType = typeof Empty, Q extends z.ZodType = typeof Empty, R extends z.ZodType = z.ZodVoid>(
    spec: RouteSpec<B, P, Q, R>,
  ): void {
    const errors = Object.fromEntries(
      [400, 401, 403, 404, 409, 413, 422, 429].map((s) => [s, { description: "Problem", content: { "application/problem+json": { schema: ProblemSchema } } }]),
    );
    this.registry.registerPath({
      method: spec.method,
      path: spec.path.replace(/:(\w+)/g, "{$1}"),
      summary: spec.summary,
      tags: [spec.tag],
      description: spec.roles ? `Callers: organizations with role ${spec.roles.join(" or ")}.` : undefined,
      request: {
        ...(spec.params ? { params: spec.params as never } : {}),
        ...(spec.query ? { query: spec.query as never } : {}),
        ...(spec.body ? { body: { content: { "application/json": { schema: spec.body } } } } : {}),
        ...(spec.method === "post"
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
    this.router[spec.method](spec.path, async (req, res, next) => {
      try {
        const auth = authOf(req);
        if (spec.roles && !spec.roles.some((r) => auth.has(r))) {
          throw forbidden(`This needs an organization with role ${spec.roles.join(" or ")}.`);
        }
        if (spec.method !== "get" && auth.organization.status === "suspended") {
          throw new AppError("ORGANIZATION.SUSPENDED", 403, "Your organization is suspended: it can read but not change anything. Contact the operator.");
        }
        const params = parseOrThrow(spec.params ?? Empty, req.params, "params") as z.infer<P>;
        const query = parseOrThrow(spec.query ?? Empty, req.query, "query") as z.infer<Q>;
        const body = (spec.body ? parseOrThrow(spec.body, req.body === undefined ? {} : req.body, "body") : (parseOrThrow(NoBody, req.body, "body") ?? {})) as z.infer<B>;
        const result = await spec.handler({ body, params, query, auth, requestId: res.locals.requestId, req, res });
        if (result === undefined) res.status(spec.status).end();
        else res.status(spec.status).json(result);
      } catch (e) {
        next(e);
      }
    });
  }
}
