import { z } from "zod";
import { Fen, TaxId, TaxpayerRecord, taxInvoiceRecord, WaybillRecord } from "./records";
import {
  AdapterUnavailable,
  type Logistics,
  type PledgeRegistry,
  type RegistryFiling,
  type TaxBureau,
  type TaxInvoiceRecord,
  type Taxpayer,
  type Waybill,
} from "../ports";

/**
 * HTTP implementations of the adapters, for a gateway in front of the real sources.
 *
 * Common rules. JSON in and out (UTF-8); money as decimal strings of fen; dates YYYY-MM-DD;
 * timestamps ISO 8601. `Authorization: Bearer <token>` when *_ADAPTER_TOKEN is set. Each request
 * times out after ADAPTER_TIMEOUT_MS (default 5 s) and is retried ADAPTER_RETRIES times (default
 * 2; backoff 250 ms, 500 ms, ...) on a network error, a timeout, 429 or 5xx. `404` means "no such
 * record" and is an answer, not an error. Anything else (exhausted retries, other statuses, a body
 * that does not match the shapes below) throws AdapterUnavailable: the verification job fails and
 * BullMQ retries it later; the invoice is never rejected because a source was down.
 *
 * Tax bureau (TAX_ADAPTER_URL)
 *   GET {base}/taxpayers/{taxId}
 *     200 { "taxId": "9150...", "name": "...", "status": "normal" | "abnormal" | "deregistered" } | 404
 *   GET {base}/invoices/{invoiceNumber}[?code={invoiceCode}]
 *     200 { "invoiceCode": null | "5000261130", "invoiceNumber": "...", "sellerTaxId": "...",
 *           "buyerTaxId": "...", "issueDate": "2026-05-02", "amount": "10000000", "tax": "1300000",
 *           "total": "11300000", "currency": "CNY", "status": "normal" | "voided" | "red_lettered",
 *           "statusDate": null | "2026-06-01" } | 404
 *
 * Logistics (LOGISTICS_ADAPTER_URL)
 *   GET {base}/waybills/{waybillNumber}
 *     200 { "waybillNumber": "...", "carrier": "...", "shipperTaxId": "...", "consigneeTaxId": "...",
 *           "shippedOn": "2026-05-01", "deliveredOn": null | "2026-05-03",
 *           "status": "in_transit" | "delivered" | "returned" } | 404
 *
 * Pledge and transfer registry (REGISTRY_ADAPTER_URL)
 *   POST {base}/filings/search   { "invoiceKeys": ["0x…", ...] }  (at most 500 keys)
 *     200 { "filings": [Filing, ...] }
 *   POST {base}/filings          Filing without id and createdAt; header Idempotency-Key: {reference}
 *     201 Filing  (a repeat with the same reference answers the first filing)
 *   POST {base}/filings/withdrawals   { "reference": "..." }  withdraws every filing with that reference
 *     200 { "withdrawn": 1 } | 404 (none)
 *   Filing = { "id": "...", "invoiceKey": "0x…", "kind": "pledge" | "assignment",
 *              "debtorTaxId": null | "...", "creditorTaxId": "...", "assignee": "...",
 *              "amount": "11300000", "reference": "...", "createdAt": "2026-05-02T09:00:00Z" }
 */
export interface HttpOptions {
  baseUrl: string;
  token?: string;
  timeoutMs: number;
  retries: number;
}

const TaxpayerAnswer = TaxpayerRecord;
const TaxInvoiceAnswer = taxInvoiceRecord(Fen);
const WaybillAnswer = WaybillRecord;
const FilingAnswer = z.object({
  id: z.string(),
  invoiceKey: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
  kind: z.enum(["pledge", "assignment"]),
  debtorTaxId: TaxId.nullable().optional(),
  creditorTaxId: TaxId,
  assignee: z.string(),
  amount: Fen,
  reference: z.string(),
  createdAt: z.string(),
});

const RETRYABLE = (status: number) => status === 429 || status >= 500;

/** One JSON client per source, with timeouts and bounded retries. */
class JsonClient {
  constructor(
    private readonly source: string,
    private readonly o: HttpOptions,
  ) {}

  /** The parsed answer, or null for 404. */
  async call<T extends z.ZodType>(method: "GET" | "POST", path: string, schema: T, body?: unknown, headers: Record<string, string> = {}): Promise<z.infer<T> | null> {
    const url = this.o.baseUrl.replace(/\/+$/, "") + path;
    let last = "";
    for (let attempt = 0; attempt <= this.o.retries; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 250 * 2 ** (attempt - 1)));
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers: {
            accept: "application/json",
            ...(body === undefined ? {} : { "content-type": "application/json" }),
            ...(this.o.token ? { authorization: `Bearer ${this.o.token}` } : {}),
            ...headers,
          },
          body: body === undefined ? undefined : JSON.stringify(body, (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
          signal: AbortSignal.timeout(this.o.timeoutMs),
        });
      } catch (e) {
        last = `${method} ${path}: ${(e as Error).name === "TimeoutError" ? `no answer within ${this.o.timeoutMs} ms` : (e as Error).message}`;
        continue;
      }
      if (res.status === 404) {
        await res.body?.cancel();
        return null;
      }
      if (RETRYABLE(res.status)) {
        await res.body?.cancel();
        last = `${method} ${path} answered ${res.status}`;
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new AdapterUnavailable(this.source, `${method} ${path} answered ${res.status}`);
      }
      let json: unknown;
      try {
        json = await res.json();
      } catch {
        throw new AdapterUnavailable(this.source, `${method} ${path} answered with a body that is not JSON`);
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        throw new AdapterUnavailable(this.source, `${method} ${path} answered an unexpected shape: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}`);
      }
      return parsed.data;
    }
    throw new AdapterUnavailable(this.source, `${last} (after ${this.o.retries + 1} attempts)`);
  }
}

export class HttpTaxBureau implements TaxBureau {
  private readonly http: JsonClient;
  constructor(o: HttpOptions) {
    this.http = new JsonClient("tax", o);
  }

  taxpayer(taxId: string): Promise<Taxpayer | null> {
    return this.http.call("GET", `/taxpayers/${encodeURIComponent(taxId)}`, TaxpayerAnswer);
  }

  invoice(ref: { invoiceCode: string | null; invoiceNumber: string }): Promise<TaxInvoiceRecord | null> {
    const code = ref.invoiceCode ? `?code=${encodeURIComponent(ref.invoiceCode)}` : "";
    return this.http.call("GET", `/invoices/${encodeURIComponent(ref.invoiceNumber)}${code}`, TaxInvoiceAnswer);
  }
}

export class HttpLogistics implements Logistics {
  private readonly http: JsonClient;
  constructor(o: HttpOptions) {
    this.http = new JsonClient("logistics", o);
  }

  waybill(waybillNumber: string): Promise<Waybill | null> {
    return this.http.call("GET", `/waybills/${encodeURIComponent(waybillNumber)}`, WaybillAnswer);
  }
}

export class HttpRegistry implements PledgeRegistry {
  private readonly http: JsonClient;
  constructor(o: HttpOptions) {
    this.http = new JsonClient("registry", o);
  }

  async search(invoiceKeys: string[]): Promise<RegistryFiling[]> {
    const out: RegistryFiling[] = [];
    if (invoiceKeys.length === 0) return out;
    for (let i = 0; i < invoiceKeys.length; i += 500) {
      const answer = await this.http.call("POST", "/filings/search", z.object({ filings: z.array(FilingAnswer) }), { invoiceKeys: invoiceKeys.slice(i, i + 500) });
      if (!answer) throw new AdapterUnavailable("registry", "POST /filings/search answered 404");
      out.push(...answer.filings);
    }
    return out;
  }

  /** The filing cannot join the caller's transaction: the registry dedupes repeats by reference instead. */
  async register(filing: Omit<RegistryFiling, "id" | "createdAt">): Promise<RegistryFiling> {
    const answer = await this.http.call("POST", "/filings", FilingAnswer, filing, { "idempotency-key": filing.reference });
    if (!answer) throw new AdapterUnavailable("registry", "POST /filings answered 404");
    return answer;
  }

  /** 404: nothing filed with that reference, which is what a withdrawal wants. */
  async withdraw(reference: string): Promise<void> {
    await this.http.call("POST", "/filings/withdrawals", z.object({ withdrawn: z.number().int() }), { reference }, { "idempotency-key": `withdraw:${reference}` });
  }
}
