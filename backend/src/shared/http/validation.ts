import { z } from "zod";
import { validationFailed, type FieldProblem } from "../errors";

/** zod issues as field problems a person can act on. */
export function fieldProblems(error: z.ZodError, root: string): FieldProblem[] {
  return error.issues.flatMap((issue): FieldProblem[] => {
    const path = [root, ...issue.path.map(String)].filter(Boolean).join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((k) => ({ field: path ? `${path}.${k}` : k, message: "is not a field of this request; remove it" }));
    }
    return [{ field: path || root, message: issue.message }];
  });
}

/** Parses `value` with `schema` or throws a 422 listing every problem. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, root: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationFailed(fieldProblems(result.error, root));
  return result.data;
}
