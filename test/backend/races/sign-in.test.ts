import { randomBytes } from "node:crypto";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Stack } from "../support/stack";
import { Api, type Reply } from "../support/http";
import { type Running } from "../../../backend/src/platform";
import { startApi } from "../../../backend/src/processes";
import { createLogger } from "../../../backend/src/shared/logger";
import { SIGN_IN_LIMITS } from "../../../backend/src/modules/onboarding/sign-in-throttle";

const PASSWORD = "the one right password";
const BURST = 40;

/**
 * Sign-in bursts: many attempts at once on one account, sent to two API servers, one of them with
 * the right password. An attempt is counted before its password is verified, atomically, so no more
 * than the limit of wrong passwords are ever verified, however many arrive together (the one success
 * gives only its own attempt back, so one more may be verified in all); and the client address is the
 * TCP peer's unless the operator names a proxy (TRUST_PROXY), so X-Forwarded-For changes nothing.
 */
describe("sign-in bursts", () => {
  let stack: Stack;
  let second: Running & { port: number };
  let servers: [Api, Api];

  beforeAll(async () => {
    stack = await Stack.start({ workers: 0, indexer: false });
    second = await startApi(stack.config, createLogger("silent", "test"));
    servers = [stack.api, new Api(`http://127.0.0.1:${second.port}`)];
  });
  afterAll(async () => {
    await second?.close();
    await stack?.close();
  });

  /** A fresh person of the operator's organization who signs in with PASSWORD. */
  const account = async () => (await stack.fixtureUser(stack.operatorOrgId, { role: "member", duty: "viewer", email: `burst-${randomBytes(4).toString("hex")}@race.example`, password: PASSWORD })).email;

  const signIn = (i: number, email: string, password: string, headers: Record<string, string> = {}) =>
    servers[i % 2].post("/v1/sessions", { email, password }, { headers });

  const tally = (replies: Reply[]) => {
    const by: Record<number, number> = {};
    for (const r of replies) by[r.status] = (by[r.status] ?? 0) + 1;
    return by;
  };

  it(`verifies at most ${SIGN_IN_LIMITS.perAccount} wrong passwords of ${BURST} concurrent attempts on one account, the right password among them`, async () => {
    for (let round = 0; round < 3; round++) {
      const email = await account();
      const right = Math.floor(Math.random() * BURST);
      const replies = await Promise.all(Array.from({ length: BURST }, (_, i) => signIn(i, email, i === right ? PASSWORD : `wrong password ${i}`)));
      const by = tally(replies);
      expect(Object.keys(by).map(Number).every((s) => [201, 401, 429].includes(s)), JSON.stringify(by)).toBe(true);
      // every attempt beyond the limit was refused before its password was looked at; a success
      // mid-burst gives back its own attempt only (it used to wipe the count: 9 wrong ones verified)
      expect(by[401] ?? 0, `round ${round}: ${JSON.stringify(by)}`).toBeLessThanOrEqual(SIGN_IN_LIMITS.perAccount);
      expect((by[201] ?? 0) + (by[401] ?? 0), `round ${round}: ${JSON.stringify(by)}`).toBeLessThanOrEqual(SIGN_IN_LIMITS.perAccount + 1);
      expect(by[429], `round ${round}`).toBeGreaterThanOrEqual(BURST - SIGN_IN_LIMITS.perAccount - 1);
      for (const r of replies.filter((x) => x.status === 429)) expect(r.body.code).toBe("SESSION.THROTTLED");
    }
  });

  it("takes no client address from X-Forwarded-For when no proxy is configured: rotating it gets no more attempts", async () => {
    // one account, each attempt claiming another address
    const email = await account();
    const replies = await Promise.all(
      Array.from({ length: BURST }, (_, i) => signIn(i, email, "wrong password", { "x-forwarded-for": `203.0.113.${i + 1}` })),
    );
    expect(tally(replies)[429] ?? 0).toBeGreaterThanOrEqual(BURST - SIGN_IN_LIMITS.perAccount);

    // many accounts from one client, each attempt claiming another address: the address's limit holds
    const many = await Promise.all(
      Array.from({ length: SIGN_IN_LIMITS.perAddress + 10 }, (_, i) =>
        signIn(i, `guess-${i}-${randomBytes(2).toString("hex")}@race.example`, "wrong password", { "x-forwarded-for": `198.51.100.${i + 1}` }),
      ),
    );
    expect(tally(many)[429] ?? 0, JSON.stringify(tally(many))).toBeGreaterThanOrEqual(10);
  });

  it("believes X-Forwarded-For from a proxy the operator configured (TRUST_PROXY), and the account's limit still holds", async () => {
    const proxied = await startApi({ ...stack.config, TRUST_PROXY: ["loopback"] }, createLogger("silent", "test"));
    try {
      const behind = new Api(`http://127.0.0.1:${proxied.port}`);
      // each forwarded client has its own count: many clients behind the proxy are not one address
      const clients = await Promise.all(
        Array.from({ length: SIGN_IN_LIMITS.perAddress + 10 }, (_, i) =>
          behind.post("/v1/sessions", { email: `client-${i}-${randomBytes(2).toString("hex")}@race.example`, password: "wrong password" }, { headers: { "x-forwarded-for": `192.0.2.${i + 1}` } }),
        ),
      );
      expect(tally(clients), "no client behind the proxy is throttled for the others").toEqual({ 401: SIGN_IN_LIMITS.perAddress + 10 });
      const email = await account();
      const burst = await Promise.all(
        Array.from({ length: BURST }, (_, i) => behind.post("/v1/sessions", { email, password: "wrong password" }, { headers: { "x-forwarded-for": `192.0.2.${i + 100}` } })),
      );
      expect(tally(burst)[401]).toBeLessThanOrEqual(SIGN_IN_LIMITS.perAccount);
    } finally {
      await proxied.close();
    }
  });
});
