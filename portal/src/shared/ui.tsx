/**
 * The portal's small accessible building blocks: real buttons and links, labels bound to their
 * inputs, tables with captions and scoped headers, alerts for problems, a progressbar with its
 * value. Every page uses these rather than styling its own.
 */
import { useEffect, useId, useRef, useState, type ButtonHTMLAttributes, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { problemText } from "../i18n/problem";

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: "primary" | "secondary" | "danger" | "link";
  busy?: boolean;
};

export function Button({ variant = "secondary", busy = false, className, disabled, type = "button", children, ...rest }: ButtonProps) {
  return (
    <button
      {...rest}
      type={type}
      className={["btn", `btn-${variant}`, className].filter(Boolean).join(" ")}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
    >
      {children}
    </button>
  );
}

export interface FieldControlProps {
  id: string;
  "aria-describedby"?: string;
  "aria-invalid"?: boolean;
}

/** A label bound to its control, with an optional hint and error read out with it. */
export function Field({
  label,
  hint,
  error,
  children,
  className,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: ReactNode;
  className?: string;
  children: (control: FieldControlProps) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={["field", error ? "field-invalid" : null, className].filter(Boolean).join(" ")}>
      <label htmlFor={id}>{label}</label>
      {children({ id, "aria-describedby": describedBy, "aria-invalid": error ? true : undefined })}
      {hint ? (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

export interface Column<Row> {
  key: string;
  header: ReactNode;
  cell: (row: Row) => ReactNode;
  numeric?: boolean;
  /** This column names the row (a th scope="row"). */
  rowHeader?: boolean;
  /** The column's name beside each value when the rows are cards (a phone), if `header` is not a string. */
  label?: string;
}

export interface Selection {
  selected: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
  /** Rows that may not be selected. */
  disabled?: (id: string) => boolean;
  label: (id: string) => string;
}

export function DataTable<Row>({
  caption,
  columns,
  rows,
  rowKey,
  selection,
  empty,
}: {
  caption: ReactNode;
  columns: Column<Row>[];
  rows: Row[];
  rowKey: (row: Row) => string;
  selection?: Selection;
  empty?: ReactNode;
}) {
  const { t } = useTranslation("common");
  const selectable = selection ? rows.map(rowKey).filter((id) => !selection.disabled?.(id)) : [];
  const allSelected = selection !== undefined && selectable.length > 0 && selectable.every((id) => selection.selected.has(id));
  const someSelected = selection !== undefined && selectable.some((id) => selection.selected.has(id));
  const allRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (allRef.current) allRef.current.indeterminate = someSelected && !allSelected;
  }, [someSelected, allSelected]);
  const captionId = useId();
  const [wrap, scrolls] = useScrolls();

  if (rows.length === 0 && empty) return <>{empty}</>;
  return (
    // on a phone the rows are cards (app.css), each value under its column's name (data-label); a
    // table still wider than its frame scrolls in it: then the frame takes the keyboard's focus, so
    // that arrow keys scroll it, and is named by the caption
    <div className="table-wrap" ref={wrap} {...(scrolls ? { tabIndex: 0, role: "region", "aria-labelledby": captionId } : {})}>
      <table className="data-table">
        <caption id={captionId}>{caption}</caption>
        <thead>
          <tr>
            {selection ? (
              <th scope="col" className="select-col">
                <label className="select-all">
                  <input
                    ref={allRef}
                    type="checkbox"
                    checked={allSelected}
                    disabled={selectable.length === 0}
                    aria-label={t("table.selectAll")}
                    onChange={() => selection.onChange(allSelected ? new Set() : new Set(selectable))}
                  />
                  {/* shown on a phone, where the column's head is not */}
                  <span className="select-all-text" aria-hidden="true">
                    {t("table.selectAll")}
                  </span>
                </label>
              </th>
            ) : null}
            {columns.map((c) => (
              <th key={c.key} scope="col" className={c.numeric ? "num" : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const id = rowKey(row);
            return (
              <tr key={id} className={selection?.selected.has(id) ? "selected" : undefined}>
                {selection ? (
                  <td className="select-col">
                    <input
                      type="checkbox"
                      checked={selection.selected.has(id)}
                      disabled={selection.disabled?.(id)}
                      aria-label={selection.label(id)}
                      onChange={() => {
                        const next = new Set(selection.selected);
                        if (next.has(id)) next.delete(id);
                        else next.add(id);
                        selection.onChange(next);
                      }}
                    />
                  </td>
                ) : null}
                {columns.map((c) =>
                  c.rowHeader ? (
                    <th key={c.key} scope="row" className={c.numeric ? "num" : undefined}>
                      {c.cell(row)}
                    </th>
                  ) : (
                    <td key={c.key} className={c.numeric ? "num" : undefined} data-label={c.label ?? (typeof c.header === "string" ? c.header : undefined)}>
                      {c.cell(row)}
                    </td>
                  ),
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Whether an element's content is wider than it (it scrolls sideways), followed as it resizes. */
function useScrolls(): [(el: HTMLDivElement | null) => void, boolean] {
  const [el, setEl] = useState<HTMLDivElement | null>(null);
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    if (!el) return;
    const check = () => setScrolls(el.scrollWidth > el.clientWidth + 1);
    check();
    const observer = new ResizeObserver(check);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, [el]);
  return [setEl, scrolls];
}

export type Tone = "neutral" | "info" | "success" | "warning" | "danger";

const TONES: Record<string, Tone> = {
  verified: "success",
  confirmed: "success",
  mined: "success",
  funded: "success",
  settled: "success",
  approved: "success",
  active: "success",
  accepted: "success",
  pending: "info",
  registering: "info",
  received: "info",
  verifying: "info",
  submitted: "info",
  submitting: "info",
  registry_check: "info",
  open: "info",
  financed: "info",
  offered: "info",
  split: "neutral",
  cancelled: "neutral",
  void: "neutral",
  overdue: "warning",
  suspended: "warning",
  rejected: "danger",
  failed: "danger",
  defaulted: "danger",
};

export function StatusBadge({ status, label, tone }: { status: string; label: ReactNode; tone?: Tone }) {
  return <span className={`badge badge-${tone ?? TONES[status] ?? "neutral"}`}>{label}</span>;
}

/** A failure, in words (errors:<CODE> or the server's detail), announced to screen readers. */
export function ProblemMessage({ error, title }: { error: unknown; title?: ReactNode }) {
  if (!error) return null;
  return (
    <div role="alert" className="problem">
      {title ? <strong>{title} </strong> : null}
      {problemText(error)}
    </div>
  );
}

/**
 * A message in a tone. Warnings and dangers are alerts, others status messages; `quiet` for one
 * that is part of what the page shows from the start (a mark on a card), not news to announce.
 */
export function Notice({ tone = "info", quiet = false, children }: { tone?: Tone; quiet?: boolean; children: ReactNode }) {
  return (
    <div className={`notice notice-${tone}`} role={quiet ? undefined : tone === "danger" || tone === "warning" ? "alert" : "status"}>
      {children}
    </div>
  );
}

export function ProgressBar({ value, max, label }: { value: number; max: number; label: string }) {
  const pct = max > 0 ? Math.round((value / max) * 100) : 0;
  return (
    <div className="progress">
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={value}
        aria-valuetext={`${value} / ${max}`}
      >
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <span className="progress-text" aria-hidden="true">
        {value} / {max}
      </span>
    </div>
  );
}

/** A page: its h1 (also the document title), optional actions beside it. */
export function Page({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · ChainFactor`;
  }, [title]);
  return (
    <section className="page" aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title" tabIndex={-1}>
          {title}
        </h1>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </div>
      {children}
    </section>
  );
}

export function EmptyState({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}

export function Loading() {
  const { t } = useTranslation("common");
  return (
    <p className="loading" role="status">
      {t("state.loading")}
    </p>
  );
}

/** Loading, failure or the content: the three states of a query, in one place. */
export function QueryState({ query, children }: { query: { isPending: boolean; error: unknown }; children: () => ReactNode }) {
  if (query.error) return <ProblemMessage error={query.error} />;
  if (query.isPending) return <Loading />;
  return <>{children()}</>;
}

/** A panel with an optional title; `anchor` names it for a link to it (`#anchor`). */
export function Card({ title, children, className, anchor }: { title?: ReactNode; children: ReactNode; className?: string; anchor?: string }) {
  const id = useId();
  return (
    <section id={anchor} className={["card", className].filter(Boolean).join(" ")} aria-labelledby={title ? id : undefined}>
      {title ? (
        <h2 id={id} className="card-title">
          {title}
        </h2>
      ) : null}
      {children}
    </section>
  );
}

export function Stat({ label, value, hint }: { label: ReactNode; value: ReactNode; hint?: ReactNode }) {
  // a long value (an amount in words) has a line of its own on a phone (app.css), a count shares it
  const long = typeof value === "string" && value.length > 9;
  return (
    <div className={long ? "stat stat-long" : "stat"}>
      <dt>{label}</dt>
      <dd>
        <span className="stat-value">{value}</span>
        {hint ? <span className="stat-hint">{hint}</span> : null}
      </dd>
    </div>
  );
}
