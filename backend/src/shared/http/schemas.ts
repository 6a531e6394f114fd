import { z } from "./openapi";

/** Schemas every module's routes use. */

/** A UUID, normalized to lower case. */
export const Uuid = z
  .string()
  .uuid("must be a UUID")
  .transform((v) => v.toLowerCase());
export const Id = z.object({ id: Uuid }).strict();

/** Money: an integer number of fen, as a decimal string. */
export const Money = z
  .string()
  .regex(/^[1-9][0-9]{0,17}$/, "must be a positive integer number of fen, as a string (e.g. \"100000\" for 1,000 yuan)")
  .transform((v) => BigInt(v))
  .openapi({ type: "string", example: "100000000" });
