import { describe, it, expect } from "vitest";
import pino from "pino";
import { Writable } from "node:stream";
import { AppError } from "../../backend/src/shared/errors";
import { logAnswered } from "../../backend/src/shared/http/problem";

/** A logger at info whose lines land in `lines`, parsed. */
function capture() {
  const lines: Record<string, any>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { log: pino({ level: "info" }, sink), lines };
}

const at = { requestId: "req-1", method: "POST", path: "/v1/receivables/acceptances" };

describe("logging an answered error", () => {
  it("logs a business refusal (an AppError 4xx) in one info line with its code, without a stack", () => {
    const { log, lines } = capture();
    const refusal = new AppError("RECEIVABLE.CHANGE_IN_PROGRESS", 409, "A change of this certificate is on its way to the ledger.");
    logAnswered(log, refusal, refusal, at);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, msg: "request refused", code: "RECEIVABLE.CHANGE_IN_PROGRESS", status: 409, path: at.path });
    expect(JSON.stringify(lines[0])).not.toMatch(/stack|lost a race/);
  });

  it("logs a race lost in Postgres as a warning naming the SQLSTATE, without a stack", () => {
    const { log, lines } = capture();
    const pg = Object.assign(new Error("could not serialize access due to concurrent update"), { driverError: { code: "40001" } });
    logAnswered(log, pg, new AppError("REQUEST.CONCURRENT_CHANGE", 409, "again"), at);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, msg: "request lost a race with another one", sqlState: "40001", code: "REQUEST.CONCURRENT_CHANGE" });
    expect(JSON.stringify(lines[0])).not.toMatch(/"stack"/);
  });

  it("logs a fault (5xx) as an error with its stack", () => {
    const { log, lines } = capture();
    logAnswered(log, new TypeError("x is undefined"), new AppError("SERVER.INTERNAL", 500, "Something went wrong"), at);
    expect(lines).toHaveLength(1);
    expect(lines[0].level).toBe(50);
    expect(lines[0].err.stack).toMatch(/TypeError: x is undefined/);
  });
});
