import type { NotificationKind, ObjectType, Params } from "./notifications.kinds";
import type { NotificationRow } from "./notifications.repository";
import type { Message } from "./channels";

type Lang = "zh" | "en";

/** ¥1,234,567.89 from fen. */
export function money(fen: string | null | undefined): string {
  if (!fen || !/^-?\d+$/.test(fen)) return "";
  const v = BigInt(fen);
  const abs = v < 0n ? -v : v;
  const yuan = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${v < 0n ? "-" : ""}¥${yuan}.${(abs % 100n).toString().padStart(2, "0")}`;
}

/** The portal page of a notification's object (the portal's routes). */
export function pathOf(type: ObjectType, id: string | null): string {
  switch (type) {
    case "receivable":
      return id ? `/receivables/${id}` : "/receivables";
    case "financing_request":
      return id ? `/financing/requests/${id}` : "/financing";
    case "financing":
      return id ? `/financing/financings/${id}` : "/financing/financings";
    case "draft":
      return id ? `/approvals#draft-${id}` : "/approvals";
    case "settlement":
      return "/settlement";
  }
}

type Text = (p: Params & { money: string; who: string; cert: string }) => string;

/**
 * The mails' words, the portal's notifications catalogue in short (the portal renders the list
 * from its own catalogues, portal/src/i18n/{zh,en}/notifications.json). The trade's words, never
 * the ledger's.
 */
const TEXTS: Record<Lang, Record<NotificationKind, Text>> = {
  zh: {
    "receivable.to_confirm": (p) => `${p.who}提交了一笔应收账款待您确权：${p.money}`,
    "certificate.offered": (p) => `${p.who}向您开出凭证${p.cert}，待您签收：${p.money}`,
    "certificate.received": (p) => `您已签收凭证${p.cert}：${p.money}`,
    "certificate.refused": (p) => `${p.who}拒签了凭证${p.cert}${p.reason ? `，原因：${p.reason}` : ""}`,
    "receivable.confirmed": (p) => `${p.who}已确权凭证${p.cert}：${p.money}`,
    "receivable.rejected": (p) => `${p.who}拒绝确权您的应收账款（${p.money}）${p.reason ? `，原因：${p.reason}` : ""}`,
    "financing.to_quote": (p) => `${p.who}申请融资，待您报价：凭证${p.cert}，${p.money}`,
    "financing.quote_arrived": (p) => `${p.who}对您的融资申请报价了：凭证${p.cert}`,
    "financing.funded": (p) => `融资放款已到账：${p.who}，凭证${p.cert}，放款${money(p.advance)}`,
    "notice.to_acknowledge": (p) => `应收账款转让通知书待回执：凭证${p.cert}已转让给${p.who}，请审批人签署回执`,
    "funds.arrived": (p) => `资金已入账：${p.money}`,
    "receivable.settled": (p) => `凭证${p.cert}已兑付：${money(p.paid)}`,
    "receivable.overdue": (p) => `凭证${p.cert}到期未足额兑付，尚欠${money(p.outstanding)}`,
    "draft.waiting": (p) => `${p.drafter ?? "经办人"}提交了一项待您复核的操作`,
  },
  en: {
    "receivable.to_confirm": (p) => `${p.who} registered a receivable for you to confirm: ${p.money}`,
    "certificate.offered": (p) => `${p.who} offered you certificate ${p.cert} to sign for: ${p.money}`,
    "certificate.received": (p) => `You signed for certificate ${p.cert}: ${p.money}`,
    "certificate.refused": (p) => `${p.who} refused certificate ${p.cert}${p.reason ? `: ${p.reason}` : ""}`,
    "receivable.confirmed": (p) => `${p.who} confirmed certificate ${p.cert}: ${p.money}`,
    "receivable.rejected": (p) => `${p.who} rejected your receivable (${p.money})${p.reason ? `: ${p.reason}` : ""}`,
    "financing.to_quote": (p) => `${p.who} asks for financing, waiting for your quote: certificate ${p.cert}, ${p.money}`,
    "financing.quote_arrived": (p) => `${p.who} quoted on your financing request: certificate ${p.cert}`,
    "financing.funded": (p) => `Financing paid out: ${p.who}, certificate ${p.cert}, advance ${money(p.advance)}`,
    "notice.to_acknowledge": (p) => `Notice of assignment to acknowledge: certificate ${p.cert} assigned to ${p.who}; an approver signs the acknowledgment`,
    "funds.arrived": (p) => `Funds credited to your account: ${p.money}`,
    "receivable.settled": (p) => `Certificate ${p.cert} was paid: ${money(p.paid)}`,
    "receivable.overdue": (p) => `Certificate ${p.cert} was not paid in full at maturity; ${money(p.outstanding)} outstanding`,
    "draft.waiting": (p) => `${p.drafter ?? "A clerk"} submitted an action for your approval`,
  },
};

/** A notification's one-line text in a language. */
export function textOf(n: Pick<NotificationRow, "kind" | "params">, lang: Lang): string {
  const p = n.params ?? {};
  return TEXTS[lang][n.kind]({ ...p, money: money(p.amount), who: p.counterparty ?? (lang === "zh" ? "对方" : "The other party"), cert: p.certificateId ? `#${p.certificateId}` : "" });
}

/**
 * The mail of a notification. The platform does not know a person's language, so the mail is in
 * Chinese with the English below it.
 */
export function mailOf(n: NotificationRow, to: { name: string; email: string }, portalUrl: string): Message {
  const link = `${portalUrl.replace(/\/$/, "")}${pathOf(n.objectType, n.objectId)}`;
  const zh = textOf(n, "zh");
  const en = textOf(n, "en");
  return {
    to: { name: to.name, address: to.email },
    subject: `【ChainFactor】${zh}`,
    text: `${to.name}，您好：\n\n${zh}\n查看：${link}\n\n——\n\n${en}\nOpen: ${link}\n\n（本邮件由平台自动发送，可在“通知”页关闭邮件提醒。You can turn these mails off on the Notifications page.）\n`,
    messageId: `<notification-${n.id}@chainfactor>`,
  };
}

/**
 * The mail of a person's notifications waiting together: one as `mailOf`, several as one mail that
 * lists them (a person with many certificates gets a mail a while, not one per event).
 */
export function digestOf(ns: NotificationRow[], to: { name: string; email: string }, portalUrl: string): Message {
  if (ns.length === 1) return mailOf(ns[0], to, portalUrl);
  const link = (n: NotificationRow) => `${portalUrl.replace(/\/$/, "")}${pathOf(n.objectType, n.objectId)}`;
  const lines = (lang: Lang) => ns.map((n) => `· ${textOf(n, lang)}\n  ${link(n)}`).join("\n");
  return {
    to: { name: to.name, address: to.email },
    subject: `【ChainFactor】您有${ns.length}条新通知 (${ns.length} new notifications)`,
    text: `${to.name}，您好：\n\n${lines("zh")}\n\n——\n\n${lines("en")}\n\n（本邮件由平台自动发送，可在“通知”页关闭邮件提醒。You can turn these mails off on the Notifications page.）\n`,
    messageId: `<notification-${ns[0].id}@chainfactor>`,
  };
}
