import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it, expect } from "vitest";
import { NOTIFICATION_KINDS, NOTIFICATION_KIND_NAMES, targetsOf, textOf, mailOf, digestOf, type NotificationKind } from "../../backend/src/modules/notifications";
import type { Notice } from "../../backend/src/modules/webhooks";

const catalogue = (lang: "zh" | "en") => JSON.parse(readFileSync(join(__dirname, `../../portal/src/i18n/${lang}/notifications.json`), "utf8")) as Record<string, string>;
const [supplier, core, bank, other] = ["s", "c", "b", "o"].map((x) => x.repeat(8));
const cert = { receivableId: "r1", certificateId: "7", obligorId: core, amount: "123456", currency: "CNY" };
const notice = (type: Notice["type"], data: Record<string, string | null>): Notice => ({ type, audiences: [{ orgIds: [], data: { ...cert, ...data } }] });
const told = (n: Notice) => targetsOf(n).map((t) => [t.organizationId, t.kind]);

describe("notification kinds", () => {
  it("tell each business event to the organization whose work or news it is, and nobody else", () => {
    expect(told(notice("receivable.registered", { creditorId: supplier }))).toEqual([[core, "receivable.to_confirm"]]);
    expect(told(notice("receivable.offered", { fromId: core, toId: supplier, kind: "issue" }))).toEqual([[supplier, "certificate.offered"]]);
    expect(told(notice("receivable.accepted", { fromId: core, toId: supplier, kind: "issue" }))).toEqual([[supplier, "certificate.received"]]);
    // a transfer assigns the receivable anew: the obligor's approvers acknowledge its notice (回执)
    expect(told(notice("receivable.accepted", { fromId: supplier, toId: other, kind: "transfer" }))).toEqual([
      [other, "certificate.received"],
      [core, "notice.to_acknowledge"],
    ]);
    expect(told(notice("receivable.refused", { fromId: core, toId: supplier, reason: "wrong amount" }))).toEqual([[core, "certificate.refused"]]);
    expect(told(notice("receivable.confirmed", { holderId: supplier }))).toEqual([[supplier, "receivable.confirmed"]]);
    expect(told(notice("receivable.rejected", { holderId: supplier, reason: "no such delivery" }))).toEqual([[supplier, "receivable.rejected"]]);
    expect(told(notice("financing.funded", { supplierId: supplier, bankId: bank, financingId: "f1", advance: "100" }))).toEqual([
      [supplier, "financing.funded"],
      [core, "notice.to_acknowledge"],
    ]);
    expect(told(notice("settlement.deposit", { organizationId: supplier }))).toEqual([[supplier, "funds.arrived"]]);
    expect(told(notice("receivable.settled", { holderId: supplier, bankId: bank, paid: "123456", outstanding: "0" }))).toEqual([
      [supplier, "receivable.settled"],
      [bank, "receivable.settled"],
    ]);
    expect(told(notice("receivable.overdue", { holderId: supplier, bankId: null, paid: "0", outstanding: "123456" }))).toEqual([[supplier, "receivable.overdue"]]);
    // events that are nobody's work or news here (the webhooks still announce them)
    for (const type of ["receivable.issued", "receivable.cancelled", "receivable.split", "receivable.transferred", "credit_line.updated", "settlement.withdrawal"] as const) {
      expect(told(notice(type, { holderId: supplier, fromId: supplier, toId: other }))).toEqual([]);
    }
  });

  it("link financings to the financing, the rest to their certificate", () => {
    const [funded] = targetsOf(notice("financing.funded", { supplierId: supplier, financingId: "f1", advance: "100" }));
    expect([NOTIFICATION_KINDS[funded.kind].object, funded.objectId]).toEqual(["financing", "f1"]);
    const [rejected] = targetsOf(notice("receivable.rejected", { holderId: supplier, reason: "late" }));
    expect([NOTIFICATION_KINDS[rejected.kind].object, rejected.objectId, rejected.params.reason]).toEqual(["receivable", "r1", "late"]);
  });

  it("have words in both catalogues of the portal and in both languages of the mails, with every figure filled in", () => {
    const params = { amount: "123456", advance: "100000", paid: "123456", outstanding: "1", certificateId: "7", counterparty: "渝川汽车", reason: "x", drafter: "李娜", currency: "CNY" };
    for (const lang of ["zh", "en"] as const) {
      const words = catalogue(lang);
      expect(NOTIFICATION_KIND_NAMES.filter((k) => !words[`kind.${k}`])).toEqual([]);
      for (const kind of NOTIFICATION_KIND_NAMES) {
        const text = textOf({ kind: kind as NotificationKind, params }, lang);
        expect(text, kind).not.toMatch(/undefined|null|NaN|\{\{/);
        expect(text.length, kind).toBeGreaterThan(5);
      }
    }
    const mail = mailOf({ id: "n1", kind: "receivable.to_confirm", params, objectType: "receivable", objectId: "r1", createdAt: new Date(), readAt: null }, { name: "王建国", email: "wang@example.com" }, "https://portal.example/portal/");
    expect(mail.text).toContain("渝川汽车提交了一笔应收账款待您确权：¥1,234.56");
    expect(mail.text).toContain("registered a receivable for you to confirm: ¥1,234.56");
    expect(mail.text).toContain("https://portal.example/portal/receivables/r1");
  });

  it("put a person's waiting notifications in one mail, each with its line and link in both languages", () => {
    const at = new Date();
    const n = (id: string, kind: NotificationKind, objectType: "receivable" | "draft", params: Record<string, string>) => ({ id, kind, params, objectType, objectId: `${id}-object`, createdAt: at, readAt: null });
    const to = { name: "王建国", email: "wang@example.com" };
    const ns = [n("n1", "receivable.to_confirm", "receivable", { amount: "123456", counterparty: "渝川汽车" }), n("n2", "draft.waiting", "draft", { drafter: "李娜" })];
    const mail = digestOf(ns, to, "https://portal.example/portal");
    expect(mail.subject).toContain("2");
    expect(mail.text).toContain("渝川汽车提交了一笔应收账款待您确权：¥1,234.56");
    expect(mail.text).toContain("李娜提交了一项待您复核的操作");
    expect(mail.text).toContain("李娜 submitted an action for your approval");
    expect(mail.text).toContain("https://portal.example/portal/receivables/n1-object");
    expect(mail.text).toContain("https://portal.example/portal/approvals#draft-n2-object");
    // one notification: the mail of that notification
    expect(digestOf(ns.slice(0, 1), to, "https://portal.example/portal")).toEqual(mailOf(ns[0], to, "https://portal.example/portal"));
  });
});
