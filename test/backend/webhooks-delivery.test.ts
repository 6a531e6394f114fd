import { describe, it, expect } from "vitest";
import { DEFAULT_DELIVERY_OPTIONS, answerProblem, deliveryBody, retriesAfter, unreachableProblem } from "../../backend/src/modules/webhooks/webhooks.rules";
import type { WebhookPayload } from "../../backend/src/modules/webhooks";

/** One webhook delivery attempt's rules (what is sent, what counts as delivered, when the queue tries again), without the stack. */

describe("deliveryBody", () => {
  it("sends the payload's four fields in one fixed order, whatever order the stored jsonb gave them", () => {
    // jsonb returns keys shortest first: the signature covers the bytes sent, so their order must not depend on storage
    const stored = { id: "0xabc:3", data: { receivableId: "r-1", amount: "9007199254740993" }, type: "receivable.issued", occurredAt: "2026-03-10T02:00:00.000Z" } as WebhookPayload;
    const body = deliveryBody(stored);
    expect(body).toBe('{"id":"0xabc:3","type":"receivable.issued","occurredAt":"2026-03-10T02:00:00.000Z","data":{"receivableId":"r-1","amount":"9007199254740993"}}');
  });

  it("sends nothing the payload carries besides those fields", () => {
    const stored = { id: "e", type: "t", occurredAt: "o", data: {}, extra: "not part of the event" } as unknown as WebhookPayload;
    expect(Object.keys(JSON.parse(deliveryBody(stored)))).toEqual(["id", "type", "occurredAt", "data"]);
  });
});

describe("answerProblem", () => {
  it("counts every 2xx answer as delivered, whatever its body", () => {
    for (const status of [200, 201, 202, 204, 299]) expect(answerProblem(status, "<html>error page</html>")).toBeNull();
  });

  it("fails any other status, quoting the start of the body on one line", () => {
    expect(answerProblem(500, "  internal\n\n  error\t here ")).toBe("the receiver answered HTTP 500: internal error here");
    expect(answerProblem(404, "")).toBe("the receiver answered HTTP 404");
    expect(answerProblem(199, "")).toBe("the receiver answered HTTP 199");
    expect(answerProblem(300, "")).not.toBeNull();
  });

  it("says that redirects are not followed", () => {
    expect(answerProblem(301, "moved")).toBe("the receiver answered HTTP 301 (redirects are not followed: subscribe the final URL): moved");
    expect(answerProblem(308, "")).toBe("the receiver answered HTTP 308 (redirects are not followed: subscribe the final URL)");
    expect(answerProblem(400, "")).not.toContain("redirect");
  });

  it("keeps at most 200 characters of the body", () => {
    const problem = answerProblem(502, "x".repeat(5000))!;
    expect(problem).toBe(`the receiver answered HTTP 502: ${"x".repeat(200)}`);
  });
});

describe("unreachableProblem", () => {
  it("reports a timeout with the limit the receiver had", () => {
    expect(unreachableProblem(Object.assign(new Error("aborted"), { name: "TimeoutError" }), 300)).toBe("no answer within 300 ms");
    expect(unreachableProblem(Object.assign(new Error("aborted"), { name: "AbortError" }), 5000)).toBe("no answer within 5000 ms");
  });

  it("reports a connection failure by the network's code, else its message", () => {
    expect(unreachableProblem(new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) }), 300)).toBe(
      "could not reach the receiver: ECONNREFUSED",
    );
    expect(unreachableProblem(new TypeError("fetch failed", { cause: new Error("other side closed") }), 300)).toBe("could not reach the receiver: other side closed");
    expect(unreachableProblem(new TypeError("fetch failed"), 300)).toBe("could not reach the receiver: fetch failed");
  });
});

describe("retriesAfter", () => {
  it("has the queue try again until the last attempt allowed has failed", () => {
    const options = { maxAttempts: 3 };
    expect([1, 2, 3, 4].map((attempts) => retriesAfter(attempts, options))).toEqual([true, true, false, false]);
  });

  it("gives a delivery several attempts by default", () => {
    expect(retriesAfter(1, DEFAULT_DELIVERY_OPTIONS)).toBe(true);
    expect(retriesAfter(DEFAULT_DELIVERY_OPTIONS.maxAttempts - 1, DEFAULT_DELIVERY_OPTIONS)).toBe(true);
    expect(retriesAfter(DEFAULT_DELIVERY_OPTIONS.maxAttempts, DEFAULT_DELIVERY_OPTIONS)).toBe(false);
  });
});
