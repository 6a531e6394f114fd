import type { RawReply, Segment } from "../support/openapi-probe";
import type { BadInput } from "./world";

/**
 * One row of a module's table: an endpoint of /openapi.json and its context, made from the world
 * each time a case needs it. The runner checks that every endpoint has a row in the table of the
 * module its tag names; every bad request the suite sends is generated from the endpoint's schema
 * and this context.
 */
export interface BadInputProbe {
  endpoint: string;
  context: (b: BadInput) => Context;
}

/** A module's probes, and the tag of /openapi.json its endpoints carry. */
export interface ProbeTable {
  tag: string;
  probes: BadInputProbe[];
}

/** A person signed in to the portal: the cookies a browser keeps, and the password behind them. */
export interface BrowserLogin {
  userId: string;
  email: string;
  password: string;
  /** cf_session's value. */
  session: string;
  /** cf_csrf's value, sent back in X-CSRF-Token. */
  csrf: string;
}

/** A browser's credentials: the session cookie, and the CSRF token a change carries. */
export const browserHeaders = (s: BrowserLogin): Record<string, string> => ({ cookie: `cf_session=${s.session}; cf_csrf=${s.csrf}`, "x-csrf-token": s.csrf });

/** The endpoint's fixtures: who may call it and the ids and values a valid request needs. */
export interface Context {
  /** The caller's API key ("" with `public` or `browser`). */
  key: string;
  /** A public route (sign-in, accepting an invitation): called without any credentials. */
  public?: boolean;
  /** A route for people in a browser: called with this session's cookie and CSRF token instead of an API key. */
  browser?: () => BrowserLogin;
  /** The session for hostile-text requests that may succeed (a password change ends the session it runs in). */
  hostileBrowser?: () => BrowserLogin;
  path?: Record<string, string>;
  /** Targets for hostile-text requests that may succeed (state-changing endpoints get their own). */
  hostilePath?: Record<string, string>;
  /** Query values (undefined: leave that optional parameter out). */
  query?: Record<string, unknown>;
  /** Values the schema cannot produce by itself (a checksummed code, an existing user; undefined: leave the field out). */
  body?: () => Record<string, unknown>;
  /**
   * For the requests meant to succeed (control and hostile text), on top of `body`: leaves out
   * optional parts that the mutations need present but a real request would not send (an own-key
   * signature that only the organization's key could make).
   */
  valid?: () => Record<string, unknown>;
  /** The body for hostile-text requests that may succeed (their own target). */
  hostileBody?: () => Record<string, unknown>;
  /** Another organization's ids for the path, probed with `foreignKey` (default: supplier A's admin key). */
  foreign?: Record<string, string>;
  foreignKey?: string;
  /** Whether a well-formed path id may name an existing object (so it is no "id that does not exist"). */
  exists?: (id: string) => boolean;
  /** For a successful hostile-text request: the field as answered and as stored afterwards. */
  echo?: (reply: RawReply, field: Segment[]) => Promise<{ answered: unknown; stored: unknown } | null>;
}
