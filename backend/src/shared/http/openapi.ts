import { extendZodWithOpenApi, OpenAPIRegistry, OpenApiGeneratorV3 } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";

extendZodWithOpenApi(z);

export { z };

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

export function openApiDocument(registry: OpenAPIRegistry) {
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: "3.0.3",
    info: {
      title: "ChainFactor API",
      version: "1.0.0",
      description:
        "Supply-chain receivables financing. Money is an integer number of minor units (fen) sent as a string; dates are ISO 8601. " +
        "Every POST accepts an `Idempotency-Key`. Errors are `application/problem+json` (RFC 9457) with a stable `code`.",
    },
    servers: [{ url: "/" }],
    security: [{ apiKey: [] }],
  });
}
