import { extendZodWithOpenApi, OpenAPIRegistry, OpenApiGeneratorV3 } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";

extendZodWithOpenApi(z);

export { z };

/**
 * A group of operations in /openapi.json: named on each operation, defined (with what the group is
 * for) in the document's top-level `tags`. Each module defines its own beside its routes; `Routes`
 * collects those its routes use, so a tag is never used without being defined.
 */
export interface ApiTag {
  readonly name: string;
  readonly description: string;
}

/** The API description, built from the same zod schemas that validate requests. */
export function createRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description: "An API key issued to a user of a member organization: `Authorization: Bearer cf_...`.",
  });
  return registry;
}

/** The document: the registry's paths and components, and the tags the routes use (`Routes.tags`). */
export function openApiDocument(registry: OpenAPIRegistry, tags: readonly ApiTag[]) {
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: "3.0.3",
    info: {
      title: "ChainFactor API",
      version: "1.0.0",
      // each consortium runs its own platform: integrators reach whoever operates theirs
      contact: { name: "Your consortium's operator (the organization that onboarded yours)" },
      description:
        "Supply-chain receivables financing. Money is an integer number of minor units (fen) sent as a string; dates are ISO 8601. " +
        "Every POST accepts an `Idempotency-Key`. Errors are `application/problem+json` (RFC 9457) with a stable `code`.",
    },
    servers: [{ url: "/" }],
    security: [{ apiKey: [] }],
    tags: tags.map((t) => ({ name: t.name, description: t.description })),
  });
}
