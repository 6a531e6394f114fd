import type { Tenants, TenantName } from "./world";

/**
 * One row of a module's table: the probe of one endpoint of /openapi.json, or of a rule that
 * spans endpoints. The runner checks that every endpoint has a probe in the table of the module
 * its tag names, and runs the rules after every endpoint's probe (some change what those expect:
 * a member revokes its own key).
 */
export type TenantProbe = ({ endpoint: string } | { rule: string }) & {
  run: (t: Tenants) => Promise<void>;
  /** A known bug makes this probe fail (its comment names it): it runs as `it.fails` until the bug is fixed. */
  fails?: boolean;
};

/** A module's probes, and the tag of /openapi.json its endpoints carry. */
export interface ProbeTable {
  tag: string;
  probes: TenantProbe[];
}

/** A probe target: who gets it (2xx on a read), who is party to it (a 4xx, but not the "absent" one, is fine), everyone else: absent. */
export interface Target {
  what: string;
  id: string;
  gets: TenantName[];
  sees?: TenantName[];
}

/**
 * CI probes every endpoint with a seeded sample of the callers × targets matrix (one user per
 * tenant, admin or member in turn; per caller, every object it is party to and a few of the other
 * organizations and objects); TENANT_ISOLATION_FULL=1 probes all of it. TENANT_ISOLATION_SEED replays a run (the seed is in
 * every failure message).
 */
export const FULL = process.env.TENANT_ISOLATION_FULL === "1";
export const SEED = Number(process.env.TENANT_ISOLATION_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SAMPLE = 3;

const hash = (s: string) => [...s].reduce((h, ch) => Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0, 2166136261);
/** `n` of `list`, chosen by the seed and `key` (all of them in the full run). */
export function some<T>(key: string, list: T[], n = SAMPLE): T[] {
  if (FULL || list.length <= n) return list;
  return list.map((x, i) => [hash(`${SEED}:${key}:${i}`), x] as const).sort((a, b) => a[0] - b[0]).slice(0, n).map(([, x]) => x);
}
/** Callers are independent: probe them side by side. */
export const each = async <T>(list: T[], probe: (x: T) => Promise<void>) => void (await Promise.all(list.map(probe)));
/** For probes whose callers write what the others read. */
export async function inTurn<T>(list: T[], probe: (x: T) => Promise<void>) {
  for (const x of list) await probe(x);
}
