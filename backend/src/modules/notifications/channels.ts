import { mkdir, writeFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { createTransport } from "nodemailer";
import MailComposer from "nodemailer/lib/mail-composer";
import type { Config } from "../../config/config";

/** A message to one person, in words already rendered (see mail.ts). */
export interface Message {
  to: { name: string; address: string };
  subject: string;
  text: string;
  /** Stable per notification: a retried delivery is recognisably the same message. */
  messageId: string;
}

/**
 * How a notification leaves the platform: e-mail over SMTP, a local outbox directory in
 * development; an SMS or WeChat adapter implements the same (its `kind` names it in the mail log).
 */
export interface NotificationChannel {
  readonly kind: string;
  send(m: Message): Promise<void>;
}

const mailOf = (from: string, m: Message) => ({
  from,
  to: { name: m.to.name, address: m.to.address },
  subject: m.subject,
  text: m.text,
  messageId: m.messageId,
  headers: { "Auto-Submitted": "auto-generated" },
});

/** Mail through an SMTP server (SMTP_URL, e.g. smtps://user:pass@smtp.example.com:465). */
export class SmtpChannel implements NotificationChannel {
  readonly kind = "smtp";
  private readonly transport;
  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transport = createTransport(url);
  }
  async send(m: Message): Promise<void> {
    await this.transport.sendMail(mailOf(this.from, m));
  }
}

/** Development: each mail as an .eml file in a directory (open it with any mail client). */
export class OutboxDirChannel implements NotificationChannel {
  readonly kind = "outbox-dir";
  constructor(
    readonly dir: string,
    private readonly from: string,
  ) {}
  async send(m: Message): Promise<void> {
    const raw = await new MailComposer(mailOf(this.from, m)).compile().build();
    await mkdir(this.dir, { recursive: true });
    const name = `${m.messageId.replace(/[^A-Za-z0-9.-]/g, "_")}.eml`;
    // written whole, then renamed: a reader never sees half a mail
    await writeFile(join(this.dir, `.${name}.tmp`), raw);
    await rename(join(this.dir, `.${name}.tmp`), join(this.dir, name));
  }
}

/** SMTP when SMTP_URL is set, else the outbox directory. */
export function mailChannel(config: Pick<Config, "SMTP_URL" | "MAIL_FROM" | "MAIL_OUTBOX_DIR">): NotificationChannel {
  return config.SMTP_URL ? new SmtpChannel(config.SMTP_URL, config.MAIL_FROM) : new OutboxDirChannel(config.MAIL_OUTBOX_DIR, config.MAIL_FROM);
}
