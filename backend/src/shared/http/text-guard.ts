import type { RequestHandler } from "express";
import { validationFailed } from "../errors";

/** NUL, or a UTF-16 surrogate without its pair: text that Postgres or UTF-8 cannot hold. */
const BAD_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Refuses a JSON body with a NUL character or malformed Unicode in any key or string, naming the
 * field, before anything tries to store it. Walks the body without recursion (bodies are
 * attacker-controlled and may be nested arbitrarily deep).
 */
export const textGuard: RequestHandler = (req, _res, next) => {
  const stack: [unknown, string][] = [[req.body, "body"]];
  while (stack.length) {
    const [value, path] = stack.pop()!;
    if (typeof value === "string") {
      if (BAD_TEXT.test(value)) return next(validationFailed([{ field: path, message: "contains a NUL character or malformed Unicode (a lone surrogate); send valid UTF-8 text" }]));
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        if (BAD_TEXT.test(k)) return next(validationFailed([{ field: path, message: "has a field name with a NUL character or malformed Unicode" }]));
        stack.push([v, `${path}.${k}`]);
      }
    }
  }
  next();
};
