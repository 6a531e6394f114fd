import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { changed, type RawReply } from "../support/openapi-probe";
import { FULL, SEED, each, some, type Target } from "./probe";
import { hasRole, isReader, type Caller, type Party, type TenantName, type Tenants } from "./world";

/** Where two texts part: "…common…[this | that]…". */
export function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `…${a.slice(Math.max(0, i - 120), i)}[${a.slice(i, i + 160)} | ${b.slice(i, i + 160)}]…`;
}

export const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The answer with the requested id blanked out (in any letter case): what must be identical for "not yours" and "no such id". */
function shape(r: RawReply, id: string) {
  const b = (r.body ?? {}) as Record<string, unknown>;
  const blank = (s: unknown) => (typeof s === "string" ? s.replace(new RegExp(escapeRe(id), "gi"), "<id>") : s);
  return { status: r.status, contentType: r.contentType, code: b.code, type: b.type, title: b.title, detail: blank(b.detail), errors: blank(JSON.stringify(b.errors ?? null)) };
}

/** Collects violations so one probe reports every failing combination at once. */
export class Findings {
  readonly list: string[] = [];
  constructor(private readonly t: Tenants) {}
  add(what: string, problems: string[] | string | false | undefined | null) {
    const ps = !problems ? [] : Array.isArray(problems) ? problems : [problems];
    for (const p of ps) this.list.push(`${what}: ${p}`);
  }
  /** Another tenant's object: 404, no foreign data, indistinguishable from an id that does not exist. */
  hidden(what: string, r: RawReply, control: RawReply, id: string, controlId: string, caller: Party, allowed: number[] = [404]) {
    // an auditor's change is refused before anything is looked up (it reads only): the same 403 for every id
    if (isReader(caller)) allowed = [...allowed, 403];
    if (!allowed.includes(r.status)) this.add(what, `status ${r.status} (expected ${allowed.join("/")}): ${r.text.slice(0, 300)}`);
    this.add(what, this.t.foreignData(r, caller, [id]));
    const a = shape(r, id);
    const b = shape(control, controlId);
    if (JSON.stringify(a) !== JSON.stringify(b)) this.add(what, `answer differs from the one for a random id, which tells the object exists: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
  /** The caller is party to the object but may not do this: a 4xx problem, nothing it may not see. */
  refused(what: string, r: RawReply, caller: Party, sent: string[] = []) {
    if (r.status < 400 || r.status > 499) this.add(what, `status ${r.status} (expected a 4xx): ${r.text.slice(0, 300)}`);
    this.add(what, this.t.leaks(r, caller, sent));
  }
  done() {
    expect(this.list, `seed ${SEED}${FULL ? " (full)" : ""}\n${this.list.join("\n")}`).toEqual([]);
  }
}

export async function unchanged<T>(t: Tenants, what: string, f: Findings, run: () => Promise<T>): Promise<T> {
  const before = await t.writes.snapshot();
  const result = await run();
  // the audit trail and last-used stamps are written after the answer; give the API a moment for anything else too
  await new Promise((r) => setTimeout(r, 100));
  f.add(`${what}: database or queue changed`, changed(before, await t.writes.snapshot()));
  return result;
}

/** The targets a caller is party to, and a seeded few of the others (all of them in the full run). */
const probedFor = (c: Caller, targets: Target[]) => {
  const party = (t: Target) => isReader(c.party) || [...t.gets, ...(t.sees ?? [])].includes(c.party.label as TenantName);
  return [...targets.filter(party), ...some(`targets for ${c.name}: ${targets.map((t) => t.id).join()}`, targets.filter((t) => !party(t)))];
};

/**
 * Reads of one object per target, by every caller: a caller that gets it sees 200 and nothing
 * beyond it; a caller party to it may be refused (4xx); anyone else finds it absent, exactly as a
 * random id. `roles`: who may call the endpoint at all (others: 403, as for a random id).
 */
export async function reads(
  t: Tenants,
  path: (id: string) => string,
  targets: Target[],
  o: { roles?: string[]; check?: (c: Caller, r: RawReply, t: Target) => string[] | string | false; auditorsRead?: boolean } = {},
) {
  const f = new Findings(t);
  await each(t.callers, async (c) => {
    const random = randomUUID();
    const control = await t.call("GET", path(random), c.person.key);
    const roleOk = hasRole(c.party, o.roles);
    if (roleOk && control.status !== 404) f.add(`${c.name} random id`, `status ${control.status}: ${control.text.slice(0, 200)}`);
    for (const target of probedFor(c, targets)) {
      const what = `${c.name} reads ${target.what}`;
      const r = await t.call("GET", path(target.id), c.person.key);
      if (!roleOk) f.hidden(what, r, control, target.id, random, c.party, [403]);
      else if ((isReader(c.party) && o.auditorsRead !== false) || target.gets.includes(c.party.label as TenantName)) {
        if (r.status !== 200) f.add(what, `status ${r.status} (it may read it): ${r.text.slice(0, 300)}`);
        else f.add(what, o.check?.(c, r, target));
        f.add(what, t.leaks(r, c.party, [target.id]));
      } else if (target.sees?.includes(c.party.label as TenantName)) f.refused(what, r, c.party, [target.id]);
      else f.hidden(what, r, control, target.id, random, c.party);
    }
  });
  f.done();
}

/**
 * Writes aimed at other tenants' objects, by every caller: nothing changes; a caller party to the
 * object is refused (4xx); anyone else finds it absent, exactly as a random id. `skip`: the
 * combinations that would legitimately succeed (the object's own party acting on it).
 */
export async function writesOn(
  t: Tenants,
  action: string,
  method: string,
  path: (id: string) => string,
  body: ((id: string, c: Caller) => unknown) | undefined,
  targets: Target[],
  o: { roles?: string[]; adminOnly?: boolean; skip?: (c: Caller, t: Target) => boolean } = {},
) {
  const f = new Findings(t);
  await unchanged(t, action, f, async () => {
    await each(t.callers, async (c) => {
      const random = randomUUID();
      const control = await t.call(method, path(random), c.person.key, body?.(random, c));
      // an auditor writes nothing: refused (403) before any object is looked up, whatever the id
      const roleOk = hasRole(c.party, o.roles) && !(o.adminOnly && c.role === "member") && !isReader(c.party);
      if (roleOk && control.status !== 404) f.add(`${c.name} ${action} on a random id`, `status ${control.status}: ${control.text.slice(0, 200)}`);
      for (const target of probedFor(c, targets)) {
        if (o.skip?.(c, target)) continue;
        const what = `${c.name} ${action} on ${target.what}`;
        const r = await t.call(method, path(target.id), c.person.key, body?.(target.id, c));
        if (!roleOk) f.hidden(what, r, control, target.id, random, c.party, [403]);
        else if (isReader(c.party) || target.gets.includes(c.party.label as TenantName) || target.sees?.includes(c.party.label as TenantName)) f.refused(what, r, c.party, [target.id]);
        else f.hidden(what, r, control, target.id, random, c.party);
      }
    });
  });
  f.done();
}

/** A list endpoint: every caller's answer holds only what `mine` accepts, and nothing of others it does not deal with. */
export async function lists(
  t: Tenants,
  path: string | ((c: Caller) => string),
  mine: (c: Caller, r: RawReply) => string[] | string | false,
  o: { roles?: string[]; sent?: (c: Caller) => string[] } = {},
) {
  const f = new Findings(t);
  await each(t.callers, async (c) => {
    const p = typeof path === "string" ? path : path(c);
    const r = await t.call("GET", p, c.person.key);
    const what = `${c.name} lists ${p}`;
    if (!hasRole(c.party, o.roles)) {
      if (r.status !== 403) f.add(what, `status ${r.status} (expected 403)`);
      f.add(what, t.foreignData(r, c.party));
      return;
    }
    if (r.status !== 200) {
      f.add(what, `status ${r.status}: ${r.text.slice(0, 300)}`);
      return;
    }
    f.add(what, mine(c, r));
    f.add(what, t.leaks(r, c.party, o.sent?.(c)));
  });
  f.done();
}
