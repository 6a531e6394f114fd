/**
 * Dates and times shown in China Standard Time, whatever the browser's zone, in the current
 * language's conventions.
 */
import i18n from "i18next";

const ZONE = "Asia/Shanghai";
const locale = () => (i18n.language === "en" ? "en-GB" : "zh-CN");

const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: "date" | "dateTime"): Intl.DateTimeFormat {
  const key = `${locale()}:${kind}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale(), {
      timeZone: ZONE,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      ...(kind === "dateTime" ? { hour: "2-digit", minute: "2-digit", hourCycle: "h23" as const } : {}),
    });
    cache.set(key, f);
  }
  return f;
}

/** A calendar date "YYYY-MM-DD" is a day in China: read it at 00:00 +08:00. */
function toDate(value: string | Date): Date | null {
  if (value instanceof Date) return value;
  const d = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00+08:00`) : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatDate(value: string | Date | null | undefined): string {
  if (value === null || value === undefined) return "—";
  const d = toDate(value);
  return d ? formatter("date").format(d) : String(value);
}

export function formatDateTime(value: string | Date | null | undefined): string {
  if (value === null || value === undefined) return "—";
  const d = toDate(value);
  return d ? formatter("dateTime").format(d) : String(value);
}

/** Today in China as "YYYY-MM-DD" (for date inputs' min and defaults). */
export function chinaToday(offsetDays = 0): string {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
  return parts;
}

/** The Monday (China time) of the week a date falls in, as "YYYY-MM-DD". */
export function weekStart(value: string): string {
  const d = toDate(value);
  if (!d) return value;
  const day = chinaDay(d);
  const monday = new Date(Date.parse(`${day}T00:00:00+08:00`) - ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) * 86_400_000);
  return chinaDay(monday);
}

function chinaDay(d: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
}
