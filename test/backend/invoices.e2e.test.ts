import { createServer, type Server } from "node:http";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createHash, randomUUID } from "node:crypto";
import { AbiCoder, concat, keccak256 } from "ethers";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Stack, randomUscc } from "./support/stack";
import { eventually } from "./support/http";
import { loadSeeds, selectSeeds, type SeedLoadResult, type SeededInvoice } from "../../backend/src/ops/seed";
import { InvoicesService, createAdapters, invoicesRoot, invoiceLeaf, invoiceProof, verifyInvoiceProof, REJECTION_CODES, type Invoice } from "../../backend/src/modules/invoices";
import { InvoiceEntity } from "../../backend/src/modules/invoices/invoice.entity";
import { canonicalHash } from "../../backend/src/modules/invoices/identity";
import { DEFAULT_SEEDS_DIR } from "../../backend/src/modules/invoices/adapters";
import { invoiceKey } from "../../backend/src/ledger/invoice-key";
import { AppError } from "../../backend/src/shared/errors";
import type { SeedInvoice } from "../../backend/src/modules/invoices/adapters/seed-files";
import { generateSeeds } from "../../scripts/seeds/generator";
import { uploadSamples } from "../../scripts/seeds/invoice-files";
import { writeZip } from "../../backend/src/modules/invoices/files/zip-write";
import { FILE_LIMITS } from "../../backend/src/modules/invoices/files/limits";

/**
 * Invoices through the real stack (API, BullMQ worker, Postgres, ledger): a subset of the seed
 * data is loaded through the seed loader (one invoice of each fraud type, good invoices of a few
 * suppliers), then intake validation, verification outcomes, tenant isolation, the registry,
 * attach/detach for receivables, the HTTP adapters and the loader's idempotency are checked.
 */

const all = selectSeeds(DEFAULT_SEEDS_DIR).invoices;
const frauds = REJECTION_CODES.map((code) => all.find((i) => i.expected === code)).filter((i): i is SeedInvoice => !!i);
/** The supplier whose good invoices the attach tests use: one with old-style (coded) invoices too. */
const mainSupplier = all.find((i) => i.invoice.invoiceCode && !i.expected && i.scenario === "cq-auto")!.supplier;
const mainBuyer = all.find((i) => i.supplier === mainSupplier && !i.expected)!.invoice.buyerTaxId;
const goods = [
  ...all.filter((i) => i.supplier === mainSupplier && !i.expected && i.invoice.buyerTaxId === mainBuyer).slice(0, 4),
  all.find((i) => i.supplier === mainSupplier && !i.expected && i.invoice.invoiceCode)!,
  ...all.filter((i) => i.scenario === "gz-furniture" && !i.expected).slice(0, 2),
];
const idOf = (i: SeedInvoice) => `${i.supplier}/${i.invoice.invoiceCode ?? ""}/${i.invoice.invoiceNumber}`;
const chosen = new Set([...frauds, ...goods].map(idOf));
/** The demo supplier of the sample files in seeds/invoice-files (its invoices are only at the tax bureau, never submitted by the seeds). */
const sampleFiles = uploadSamples(
  JSON.parse(readFileSync(join(DEFAULT_SEEDS_DIR, "organizations.json"), "utf8")).organizations,
  JSON.parse(readFileSync(join(DEFAULT_SEEDS_DIR, "invoices.json"), "utf8")).invoices,
);
const subset = { suppliers: [...new Set([...frauds, ...goods].map((i) => i.supplier)), sampleFiles.supplier.uscc], invoices: (i: SeedInvoice) => chosen.has(idOf(i)) };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(InvoicesService.name, () => {
  let stack: Stack;
  let seeded: SeedLoadResult;
  let service: InvoicesService;
  const keyOf = (uscc: string) => seeded.organizations.find((o) => o.uscc === uscc)!.key;
  const orgOf = (uscc: string) => seeded.organizations.find((o) => o.uscc === uscc)!;
  const itemOf = (i: SeedInvoice): SeededInvoice => seeded.invoices.items.find((x) => x.supplier === i.supplier && x.invoiceNumber === i.invoice.invoiceNumber)!;
  const count = async () => (await stack.ds.query(`SELECT count(*)::int AS n FROM invoices`))[0].n as number;
  const settled = (id: string, key: string) =>
    eventually(async () => {
      const r = await stack.api.get(`/v1/invoices/${id}`, { key });
      return ["verified", "rejected"].includes(r.body.status) ? r.body : null;
    }, 20_000, `invoice ${id} to be verified or rejected`);

  beforeAll(async () => {
    stack = await Stack.start({ env: { REQUEST_BODY_LIMIT: "1mb" } });
    seeded = await loadSeeds({ baseUrl: stack.api.baseUrl, operatorKey: stack.operatorKey, subset, waitForVerificationMs: 30_000 });
    service = new InvoicesService(stack.ds, createAdapters(stack.ds));
  });
  afterAll(async () => stack?.close());

  // ─── Verification ─────────────────────────────────────────────────

  it("verifies genuine invoices, keeping each source's answer, its hash and the evidence hash", async () => {
    for (const g of goods) {
      const item = itemOf(g);
      expect(item.status, `${g.invoice.invoiceNumber}: ${item.rejectionCode}`).toBe("verified");
      const inv = (await stack.api.get(`/v1/invoices/${item.id}`, { key: keyOf(g.supplier) })).body;
      expect(inv).toMatchObject({
        status: "verified",
        invoiceNumber: g.invoice.invoiceNumber,
        invoiceCode: g.invoice.invoiceCode ?? null,
        total: g.invoice.total,
        rejection: null,
        buyerOrganizationId: orgOf(g.invoice.buyerTaxId).id,
      });
      const identity = g.invoice.invoiceCode ? `${g.invoice.invoiceCode}-${g.invoice.invoiceNumber}` : g.invoice.invoiceNumber;
      expect(inv.invoiceKey).toBe(invoiceKey(g.supplier, identity));
      const sources = inv.evidence.map((e: { source: string }) => e.source);
      expect(sources).toEqual(["platform", "tax", "tax", ...(g.invoice.waybillNumbers ?? []).map(() => "logistics"), "registry"]);
      for (const e of inv.evidence) {
        expect(e.result).toBe("pass");
        expect(e.hash).toBe(canonicalHash(e.answer));
        expect(Date.parse(e.at)).not.toBeNaN();
      }
      expect(inv.evidenceHash).toBe(canonicalHash(inv.evidence));
      expect(inv.verifiedAt).not.toBeNull();
    }
  });

  it.each(frauds.map((f) => [f.expected!, f] as const))("rejects %s with a reason naming the invoice and the source", async (code, f) => {
    const item = itemOf(f);
    const inv = (await stack.api.get(`/v1/invoices/${item.id}`, { key: keyOf(f.supplier) })).body;
    expect(inv.status, JSON.stringify(inv.rejection)).toBe("rejected");
    expect(inv.rejection.code).toBe(code);
    expect(inv.rejection.reason).toContain(f.invoice.invoiceNumber);
    const source = {
      "INVOICE.DUPLICATE_ACROSS_SUPPLIERS": /on the platform/,
      "INVOICE.ALREADY_PLEDGED": /registry/,
      "INVOICE.WAYBILL_NOT_FOUND": /logistics provider/,
      "INVOICE.WAYBILL_MISMATCH": /waybill/,
      "INVOICE.WAYBILL_NOT_DELIVERED": /waybill .* not been delivered/,
    }[code as string] ?? /tax bureau/;
    expect(inv.rejection.reason).toMatch(source);
    expect(inv.evidenceHash).toBeNull();
    expect(inv.evidence.at(-1).result).toBe("fail");
    if (code === "INVOICE.VOIDED") expect(inv.rejection.reason).toMatch(/is voided at the tax bureau \(voided on \d{4}-\d{2}-\d{2}\); submit a valid invoice/);
  });

  it("covers every rejection code with a seeded fraud case", () => {
    expect(frauds.map((f) => f.expected).sort()).toEqual([...REJECTION_CODES].sort());
  });

  it("treats an unreachable HTTP adapter as an outage to retry, never as a rejection; the HTTP contract works with retries", async () => {
    const supplier = orgOf(mainSupplier);
    // a genuine invoice of the supplier that the subset did not load, stored as received (not queued)
    const spare = all.find((i) => i.supplier === mainSupplier && !i.expected && !chosen.has(idOf(i)) && (i.invoice.waybillNumbers?.length ?? 0) > 0)!;
    const repo = stack.ds.getRepository(InvoiceEntity);
    const row = await repo.save(
      repo.create({
        organizationId: supplier.id,
        buyerOrganizationId: null,
        invoiceNumber: spare.invoice.invoiceCode ? `${spare.invoice.invoiceCode}-${spare.invoice.invoiceNumber}` : spare.invoice.invoiceNumber,
        invoiceCode: spare.invoice.invoiceCode ?? null,
        sellerTaxId: spare.supplier,
        buyerTaxId: spare.invoice.buyerTaxId,
        issueDate: spare.invoice.issueDate,
        amount: BigInt(spare.invoice.amount),
        tax: BigInt(spare.invoice.tax),
        total: BigInt(spare.invoice.total),
        currency: "CNY",
        waybillNumbers: spare.invoice.waybillNumbers ?? [],
        attachments: [],
        invoiceKey: invoiceKey(spare.supplier, spare.invoice.invoiceCode ? `${spare.invoice.invoiceCode}-${spare.invoice.invoiceNumber}` : spare.invoice.invoiceNumber),
        status: "received",
        evidence: [],
      }),
    );
    // keep the stack's sweeper from handing it to the stack's own worker meanwhile
    const hide = () => stack.ds.query(`UPDATE invoices SET updated_at = now() + interval '1 hour' WHERE id = $1`, [row.id]);
    await hide();
    const down = new InvoicesService(stack.ds, createAdapters(stack.ds, { TAX_ADAPTER_URL: "http://127.0.0.1:9", ADAPTER_RETRIES: "1", ADAPTER_TIMEOUT_MS: "300" }));
    await expect(down.verify(row.id)).rejects.toThrow(/tax adapter unavailable/);
    await hide();
    expect((await repo.findOneByOrFail({ id: row.id })).status).toBe("verifying");

    // a gateway speaking the documented contract, backed by the seed data; it fails once first
    const local = createAdapters(stack.ds);
    let failures = 1;
    const seen: string[] = [];
    const server: Server = createServer(async (req, res) => {
      const url = new URL(req.url!, "http://x");
      seen.push(`${req.method} ${url.pathname}`);
      if (failures-- > 0) return void res.writeHead(503).end();
      const send = (v: unknown) =>
        v === null ? res.writeHead(404).end() : res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)));
      const [, kind, id] = url.pathname.split("/");
      if (kind === "taxpayers") return send(await local.tax.taxpayer(id));
      if (kind === "invoices") return send(await local.tax.invoice({ invoiceCode: url.searchParams.get("code"), invoiceNumber: id }));
      if (kind === "waybills") return send(await local.logistics.waybill(id));
      res.writeHead(400).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const up = new InvoicesService(stack.ds, createAdapters(stack.ds, { TAX_ADAPTER_URL: base, LOGISTICS_ADAPTER_URL: base }));
      await up.verify(row.id);
      const after = await repo.findOneByOrFail({ id: row.id });
      expect(after.status, after.rejectionReason ?? "").toBe("verified");
      expect(seen).toContain(`GET /invoices/${spare.invoice.invoiceNumber}`);
      expect(seen.filter((s) => s.startsWith("GET /waybills/"))).toHaveLength(spare.invoice.waybillNumbers!.length);
      // settled: running it again changes nothing
      await up.verify(row.id);
      expect((await repo.findOneByOrFail({ id: row.id })).evidenceHash).toBe(after.evidenceHash);
    } finally {
      server.close();
    }
  });

  // ─── Files, and corrections ───────────────────────────────────────

  describe("files and corrections", () => {
    const dir = join(DEFAULT_SEEDS_DIR, "invoice-files");
    const key = () => keyOf(sampleFiles.supplier.uscc);
    const sample = (file: string) => sampleFiles.samples.filter((x) => x.file === file);
    const upload = (name: string, bytes: Buffer, extra: Record<string, unknown> = {}, k = key()) => stack.api.post("/v1/invoices/files", { name, content: bytes.toString("base64"), ...extra }, { key: k });
    const file = (name: string) => readFileSync(join(dir, name));
    let xlsxIds: string[] = [];

    it("takes the tax platform's XLSX export as it is: each valid invoice stored in fen and verified, the voided row skipped with its reason", async () => {
      const before = await count();
      const dry = await upload("tax-export.xlsx", file("tax-export.xlsx"), { dryRun: true });
      expect(dry.status, JSON.stringify(dry.body)).toBe(202);
      expect(dry.body).toMatchObject({ dryRun: true, items: [], file: { format: "xlsx", sheet: "发票基础信息", kind: "XLSX, sheet 发票基础信息" } });
      expect(await count()).toBe(before);

      const r = await upload("tax-export.xlsx", file("tax-export.xlsx"));
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      const valid = sample("xlsx").filter((x) => x.record.status === "normal");
      expect(r.body.items.map((i: Invoice) => [i.invoiceNumber, i.amount, i.tax, i.total, i.status])).toEqual(valid.map((x) => [x.record.invoiceNumber, x.record.amount, x.record.tax, x.record.total, "received"]));
      expect(r.body.read.map((x: { row: number }) => x.row)).toEqual([2, 3, 4]);
      expect(r.body.skipped).toEqual([expect.objectContaining({ row: 5, code: "VOIDED", invoiceNumber: sample("xlsx")[3].record.invoiceNumber })]);
      expect(r.body.duplicates).toEqual([]);
      expect(await count()).toBe(before + 3);
      xlsxIds = r.body.items.map((i: Invoice) => i.id);
      for (const id of xlsxIds) expect((await settled(id, key())).status).toBe("verified");
    });

    it("takes the GBK CSV: the invoice the XLSX held is skipped and named, the mistyped one is refused showing the tax bureau's figures; corrected, it is verified", async () => {
      const r = await upload("tax-export-gbk.csv", file("tax-export-gbk.csv"));
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      expect(r.body.file).toMatchObject({ format: "csv", encoding: "GBK" });
      expect(r.body.items).toHaveLength(2);
      expect(r.body.duplicates).toEqual([
        expect.objectContaining({ row: 4, invoiceNumber: sample("xlsx")[0].record.invoiceNumber, existingInvoiceId: xlsxIds[0], status: "verified", message: expect.stringContaining(xlsxIds[0]) }),
      ]);
      const typo = sampleFiles.samples.find((x) => x.typed)!;
      const refusedId = r.body.items.find((i: Invoice) => i.invoiceNumber === typo.record.invoiceNumber).id;
      const refused = await settled(refusedId, key());
      expect(refused.status).toBe("rejected");
      expect(refused.rejection).toMatchObject({
        code: "INVOICE.AMOUNT_MISMATCH",
        mismatch: [
          { field: "amount", submitted: typo.typed!.amount, taxBureau: typo.record.amount },
          { field: "total", submitted: typo.typed!.total, taxBureau: typo.record.total },
        ],
      });
      const good = r.body.items.find((i: Invoice) => i.id !== refusedId);
      expect((await settled(good.id, key())).status).toBe("verified");

      // the same number cannot simply be sent again: it is a duplicate of the refused one, which says so
      const resent = await stack.api.post("/v1/invoices/batch", { invoices: [{ ...typo.record, invoiceCode: undefined, status: undefined, statusDate: undefined }] }, { key: key() });
      expect(resent.body.duplicates).toEqual([expect.objectContaining({ existingInvoiceId: refusedId, status: "rejected", message: expect.stringMatching(/correct or delete/) })]);

      // corrected with the tax bureau's figures: received again, verified, the refusal kept in its history
      const body = { invoiceNumber: typo.record.invoiceNumber, sellerTaxId: typo.record.sellerTaxId, buyerTaxId: typo.record.buyerTaxId, issueDate: typo.record.issueDate, amount: typo.record.amount, tax: typo.record.tax, total: typo.record.total, currency: "CNY" };
      const corrected = await stack.api.post(`/v1/invoices/${refusedId}/correction`, body, { key: key() });
      expect(corrected.status, JSON.stringify(corrected.body)).toBe(202);
      expect(corrected.body).toMatchObject({ id: refusedId, status: "received", rejection: null, evidence: [] });
      const after = await settled(refusedId, key());
      expect(after.status, JSON.stringify(after.rejection)).toBe("verified");
      expect(after.corrections).toEqual([
        {
          at: expect.any(String),
          rejection: expect.objectContaining({ code: "INVOICE.AMOUNT_MISMATCH", mismatch: refused.rejection.mismatch }),
          changes: [
            { field: "amount", from: typo.typed!.amount, to: typo.record.amount },
            { field: "total", from: typo.typed!.total, to: typo.record.total },
          ],
        },
      ]);
      // verified, it can be corrected no more
      const again = await stack.api.post(`/v1/invoices/${refusedId}/correction`, body, { key: key() });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe("INVOICE.NOT_CORRECTABLE");
    });

    it("takes a 数电票 XML and an OFD, keeping each file as the invoice's attachment", async () => {
      for (const [kind, name] of [["xml", readdirSync(dir).find((f) => f.endsWith(".xml"))!], ["ofd", readdirSync(dir).find((f) => f.endsWith(".ofd"))!]] as const) {
        const bytes = file(name);
        const r = await upload(name, bytes);
        expect(r.status, JSON.stringify(r.body)).toBe(202);
        expect(r.body.file.format).toBe(kind);
        const [inv] = r.body.items;
        expect(inv).toMatchObject({ invoiceNumber: sample(kind)[0].record.invoiceNumber, total: sample(kind)[0].record.total, attachments: [{ name, sha256: createHash("sha256").update(bytes).digest("hex") }] });
        expect((await settled(inv.id, key())).status).toBe("verified");
      }
    });

    it("refuses a file whose rows do not hold (each problem named by row and column), and hostile files, writing nothing", async () => {
      const before = await count();
      const csv = (rows: string[]) => Buffer.from(["数电发票号码,销方识别号,购方识别号,开票日期,金额,税额,价税合计", ...rows].join("\n"), "utf8");
      const me = sampleFiles.supplier.uscc;
      const buyer = sampleFiles.buyer.uscc;
      const bad = await upload("bad.csv", csv([`26509999880000000001,${me},${buyer},2026-11-03,100.001,13,113.001`, `26509999880000000002,${randomUscc()},${buyer},2026-11-03,100,13,113`, `26509999880000000003,${me},${buyer},2026-11-03,100,13,114`]));
      expect(bad.status).toBe(422);
      expect(bad.contentType).toMatch(/application\/problem\+json/);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(["file.rows.2.金额", "file.rows.2.价税合计"]);
      const bad2 = await upload("bad.csv", csv([`26509999880000000002,${randomUscc()},${buyer},2026-11-03,100,13,113`, `26509999880000000003,${me},${buyer},2026-11-03,100,13,114`]));
      expect(bad2.status).toBe(422);
      expect(bad2.body.errors).toEqual([
        expect.objectContaining({ field: "file.rows.2.销方识别号", message: expect.stringMatching(/your organization's unified social credit code/) }),
        expect.objectContaining({ field: "file.rows.3.价税合计", message: expect.stringMatching(/amount \+ tax/) }),
      ]);

      const zeros = Buffer.alloc(13 * 1024 * 1024);
      const hostile: [string, Buffer | string, number, string][] = [
        ["xxe.xml", `<?xml version="1.0"?><!DOCTYPE EInvoice [<!ENTITY x SYSTEM "file:///etc/passwd">]><EInvoice>&x;</EInvoice>`, 422, "INVOICE_FILE.UNSAFE_XML"],
        ["bomb.ofd", writeZip([{ name: "OFD.xml", data: zeros }]), 413, "INVOICE_FILE.EXPANDS_TOO_FAR"],
        ["bomb.xlsx", writeZip([{ name: "xl/workbook.xml", data: "<workbook/>" }, { name: "xl/sharedStrings.xml", data: zeros }]), 413, "INVOICE_FILE.EXPANDS_TOO_FAR"],
        ["million.xlsx", writeZip([{ name: "xl/workbook.xml", data: `<workbook><sheets><sheet name="s" r:id="rId1"/></sheets></workbook>` }, { name: "xl/_rels/workbook.xml.rels", data: `<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>` }, { name: "xl/worksheets/sheet1.xml", data: `<worksheet><sheetData>${'<row r="1"/>'.repeat(1_000_000)}</sheetData></worksheet>` }]), 413, "INVOICE_FILE.TOO_MANY_ROWS"],
        ["big.csv", Buffer.alloc(FILE_LIMITS.bytes + 50 * 1024, 0x31), 413, "INVOICE_FILE.TOO_LARGE"],
        ["damaged.xlsx", writeZip([{ name: "xl/workbook.xml", data: "<workbook/>" }]).subarray(0, 40), 422, "INVOICE_FILE.UNREADABLE"],
        ["scan.pdf", "%PDF-1.7\n1 0 obj << /Type /Page >> endobj\n%%EOF", 422, "INVOICE_FILE.NO_INVOICE_DATA"],
      ];
      for (const [name, bytes, status, code] of hostile) {
        const r = await upload(name, Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes));
        expect(r.status, `${name}: ${JSON.stringify(r.body)}`).toBe(status);
        expect(r.contentType).toMatch(/application\/problem\+json/);
        expect(r.body.code, name).toBe(code);
        expect(r.body.detail.length, name).toBeGreaterThan(20);
      }
      // a body past the server's limit never reaches the reader
      const huge = await stack.api.post("/v1/invoices/files", { name: "huge.csv", content: Buffer.alloc(1_200_000, 0x31).toString("base64") }, { key: key() });
      expect(huge.status).toBe(413);
      expect(huge.body.code).toBe("REQUEST.TOO_LARGE");
      expect(await count()).toBe(before);
    });

    it("serves the template as XLSX and CSV, with the tax platform's Chinese headers", async () => {
      const xlsx = await fetch(`${stack.api.baseUrl}/v1/invoices/files/template?format=xlsx`, { headers: { authorization: `Bearer ${key()}` } });
      expect(xlsx.status).toBe(200);
      expect(xlsx.headers.get("content-type")).toMatch(/spreadsheetml/);
      expect(xlsx.headers.get("content-disposition")).toMatch(/attachment; filename="invoice-template.xlsx"/);
      const bytes = Buffer.from(await xlsx.arrayBuffer());
      expect(bytes.subarray(0, 2).toString()).toBe("PK");
      const csv = await fetch(`${stack.api.baseUrl}/v1/invoices/files/template?format=csv`, { headers: { authorization: `Bearer ${key()}` } });
      expect(Buffer.from(await csv.arrayBuffer()).toString("utf8")).toBe("\uFEFF发票代码,发票号码,数电发票号码,销方识别号,销方名称,购方识别号,购买方名称,开票日期,金额,税额,价税合计,运单号\r\n");
      // the template read back: no invoice to send yet
      const empty = await upload("invoice-template.xlsx", bytes);
      expect(empty.status).toBe(422);
      expect(empty.body.code).toBe("INVOICE_FILE.NO_INVOICES");
    });

    it("deletes a refused invoice, so its number can be submitted again; another supplier's is absent, a verified one not deleted", async () => {
      const number = `26509999${String(Date.now()).slice(-12)}`;
      const invoice = { invoiceNumber: number, sellerTaxId: sampleFiles.supplier.uscc, buyerTaxId: sampleFiles.buyer.uscc, issueDate: "2026-11-01", amount: "100000", tax: "13000", total: "113000", currency: "CNY" };
      const first = await stack.api.post("/v1/invoices", invoice, { key: key() });
      expect((await settled(first.body.id, key())).rejection.code).toBe("INVOICE.NOT_FOUND_AT_TAX_BUREAU");
      const other = seeded.organizations.find((o) => o.roles.includes("supplier") && o.uscc !== sampleFiles.supplier.uscc)!;
      expect((await stack.api.delete(`/v1/invoices/${first.body.id}`, { key: other.key })).status).toBe(404);
      expect((await stack.api.post(`/v1/invoices/${first.body.id}/correction`, { ...invoice, sellerTaxId: other.uscc }, { key: other.key })).status).toBe(404);
      const verified = await stack.api.delete(`/v1/invoices/${xlsxIds[1]}`, { key: key() });
      expect(verified.status).toBe(409);
      expect(verified.body.code).toBe("INVOICE.NOT_CORRECTABLE");
      expect((await stack.api.delete(`/v1/invoices/${first.body.id}`, { key: key() })).status).toBe(204);
      expect((await stack.api.get(`/v1/invoices/${first.body.id}`, { key: key() })).status).toBe(404);
      expect((await stack.api.post("/v1/invoices", invoice, { key: key() })).status).toBe(202);
    });
  });

  // ─── Intake ───────────────────────────────────────────────────────

  describe("intake", () => {
    const supplier = () => orgOf(mainSupplier);
    const key = () => supplier().key;
    let serial = 0;
    const fresh = (over: Record<string, unknown> = {}) => ({
      invoiceNumber: `26509999${String(++serial).padStart(12, "0")}`,
      sellerTaxId: mainSupplier,
      buyerTaxId: mainBuyer,
      issueDate: "2026-06-01",
      amount: "1000000",
      tax: "130000",
      total: "1130000",
      currency: "CNY",
      ...over,
    });
    const expect422 = (r: { status: number; body: any; contentType: string }, field: string, message?: RegExp) => {
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      expect(r.contentType).toMatch(/application\/problem\+json/);
      expect(r.body.code).toBe("REQUEST.INVALID");
      const fields = r.body.errors.map((e: { field: string }) => e.field);
      expect(fields).toContain(field);
      if (message) expect(r.body.errors.find((e: { field: string }) => e.field === field).message).toMatch(message);
    };

    it("accepts an invoice (202, received) and verification settles it", async () => {
      const r = await stack.api.post("/v1/invoices", fresh(), { key: key() });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      expect(r.body).toMatchObject({ status: "received", sellerTaxId: mainSupplier, amount: "1000000", evidence: [], rejection: null, buyerOrganizationId: orgOf(mainBuyer).id });
      const done = await settled(r.body.id, key());
      // not a real invoice: the tax bureau does not know it
      expect(done.rejection.code).toBe("INVOICE.NOT_FOUND_AT_TAX_BUREAU");
    });

    it.each([
      ["a seller tax id that is not the caller's", () => fresh({ sellerTaxId: randomUscc() }), "body.sellerTaxId", /your organization's unified social credit code/],
      ["a buyer tax id with a wrong check character", () => fresh({ buyerTaxId: mainBuyer.slice(0, 17) + (mainBuyer[17] === "0" ? "1" : "0") }), "body.buyerTaxId", /check character/],
      ["the seller as buyer", () => fresh({ buyerTaxId: mainSupplier }), "body.buyerTaxId", /must differ from the seller/],
      ["an amount as a JSON number", () => fresh({ amount: 1000000 }), "body.amount", /string/],
      ["a fractional amount", () => fresh({ amount: "10000.5" }), "body.amount", /integer number of fen/],
      ["a zero amount", () => fresh({ amount: "0", tax: "0", total: "0" }), "body.amount", /greater than 0/],
      ["a negative tax", () => fresh({ tax: "-130000" }), "body.tax", /integer number of fen/],
      ["19 digits", () => fresh({ amount: "1000000000000000000" }), "body.amount", /1 to 18 digits/],
      ["amount + tax ≠ total", () => fresh({ total: "1130001" }), "body.total", /must equal amount \+ tax/],
      ["another currency", () => fresh({ currency: "USD" }), "body.currency", /CNY/],
      ["a currency that is not ISO 4217", () => fresh({ currency: "cny" }), "body.currency", /ISO 4217/],
      ["an issue date in the future", () => fresh({ issueDate: new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10) }), "body.issueDate", /future/],
      ["an impossible date", () => fresh({ issueDate: "2026-02-30" }), "body.issueDate", /real calendar date/],
      ["a date that is not ISO", () => fresh({ issueDate: "01/06/2026" }), "body.issueDate", /YYYY-MM-DD/],
      ["a 19-digit invoice number", () => fresh({ invoiceNumber: "2650999900000000001" }), "body.invoiceNumber", /20-digit/],
      ["an 8-digit number without its code", () => fresh({ invoiceNumber: "01234567" }), "body.invoiceNumber", /needs its invoiceCode/],
      ["a 20-digit number with a code", () => fresh({ invoiceCode: "5001262291" }), "body.invoiceNumber", /8-digit/],
      ["an 11-digit invoice code", () => fresh({ invoiceCode: "50012622911", invoiceNumber: "01234567" }), "body.invoiceCode", /10- or 12-digit/],
      ["a malformed waybill number", () => fresh({ waybillNumbers: ["cy-123"] }), "body.waybillNumbers.0", /waybill number/],
      ["an attachment without its SHA-256", () => fresh({ attachments: [{ name: "scan.pdf", sha256: "abc" }] }), "body.attachments.0.sha256", /SHA-256/],
      ["a field the server owns", () => fresh({ status: "verified" }), "body.status", /not a field/],
      ["a missing total", () => ({ ...fresh(), total: undefined }), "body.total", undefined],
    ] as const)("rejects %s (422 with the field)", async (_what, body, field, message) => {
      const before = await count();
      expect422(await stack.api.post("/v1/invoices", body(), { key: key() }), field, message);
      expect(await count()).toBe(before);
    });

    it("lets only suppliers submit", async () => {
      const bank = seeded.organizations.find((o) => o.roles.includes("bank"))!;
      const r = await stack.api.post("/v1/invoices", fresh({ sellerTaxId: bank.uscc }), { key: bank.key });
      expect(r.status).toBe(403);
      expect(r.body.code).toBe("AUTH.FORBIDDEN");
    });

    it("answers a repeated submission with 409 and the existing invoice's id", async () => {
      const g = goods[0];
      const r = await stack.api.post("/v1/invoices", g.invoice, { key: keyOf(g.supplier) });
      expect(r.status).toBe(409);
      expect(r.body.code).toBe("INVOICE.DUPLICATE");
      expect(r.body.existingInvoiceId).toBe(itemOf(g).id);
      expect(r.body.detail).toContain(g.invoice.invoiceNumber);
    });

    it("takes a batch all or nothing: field paths name the invoice, and nothing is stored", async () => {
      const before = await count();
      const bad = await stack.api.post("/v1/invoices/batch", { invoices: [fresh(), fresh(), fresh(), fresh({ total: "1" })] }, { key: key() });
      expect422(bad, "body.invoices.3.total");
      const notMine = await stack.api.post("/v1/invoices/batch", { invoices: [fresh(), fresh({ sellerTaxId: randomUscc() })] }, { key: key() });
      expect422(notMine, "body.invoices.1.sellerTaxId");
      const twice = fresh();
      expect422(await stack.api.post("/v1/invoices/batch", { invoices: [twice, fresh(), twice] }, { key: key() }), "body.invoices.2.invoiceNumber", /repeats the invoice at index 0/);
      const withDuplicate = await stack.api.post("/v1/invoices/batch", { invoices: [fresh(), goods[0].invoice], duplicates: "refuse" }, { key: key() });
      expect(withDuplicate.status).toBe(409);
      expect(withDuplicate.body.duplicates).toEqual([expect.objectContaining({ index: 1, field: "body.invoices.1.invoiceNumber", existingInvoiceId: itemOf(goods[0]).id })]);
      expect422(await stack.api.post("/v1/invoices/batch", { invoices: [] }, { key: key() }), "body.invoices");
      expect422(await stack.api.post("/v1/invoices/batch", { invoices: Array.from({ length: 501 }, () => fresh()) }, { key: key() }), "body.invoices", /at most 500/);
      expect(await count()).toBe(before);
    });

    it("skips invoices submitted before and names each with the invoice it repeats (the default), storing the rest", async () => {
      const before = await count();
      const [a, b] = [fresh(), fresh()];
      const r = await stack.api.post("/v1/invoices/batch", { invoices: [a, goods[0].invoice, b] }, { key: key() });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      expect(r.body.items.map((i: { invoiceNumber: string }) => i.invoiceNumber)).toEqual([a.invoiceNumber, b.invoiceNumber]);
      expect(r.body.duplicates).toEqual([
        expect.objectContaining({
          index: 1,
          field: "body.invoices.1.invoiceNumber",
          invoiceNumber: goods[0].invoice.invoiceNumber,
          existingInvoiceId: itemOf(goods[0]).id,
          status: "verified",
          message: expect.stringContaining(itemOf(goods[0]).id),
        }),
      ]);
      expect(await count()).toBe(before + 2);
      // only duplicates: nothing stored, each named, still a 202
      const again = await stack.api.post("/v1/invoices/batch", { invoices: [a, b], duplicates: "skip" }, { key: key() });
      expect(again.status).toBe(202);
      expect(again.body.items).toEqual([]);
      expect(again.body.duplicates.map((d: { existingInvoiceId: string }) => d.existingInvoiceId)).toEqual(r.body.items.map((i: { id: string }) => i.id));
      expect(await count()).toBe(before + 2);
    });

    it("takes up to 500 invoices in one batch", async () => {
      const invoices = Array.from({ length: 500 }, () => fresh({ waybillNumbers: [], amount: "100", tax: "0", total: "100" }));
      const r = await stack.api.post("/v1/invoices/batch", { invoices }, { key: key() });
      expect(r.status, JSON.stringify(r.body).slice(0, 500)).toBe(202);
      expect(r.body.items).toHaveLength(500);
      expect(r.body.items.map((i: { invoiceNumber: string }) => i.invoiceNumber)).toEqual(invoices.map((i) => i.invoiceNumber));
      expect(new Set(r.body.items.map((i: { status: string }) => i.status))).toEqual(new Set(["received"]));
    });
  });

  // ─── Reading, and tenant isolation ────────────────────────────────

  it("lists the caller's own invoices by status, page by page", async () => {
    const key = keyOf(mainSupplier);
    const verified = (await stack.api.get("/v1/invoices?status=verified&limit=200", { key })).body.items;
    expect(verified.length).toBeGreaterThanOrEqual(4);
    expect(verified.every((i: Invoice) => i.status === "verified" && i.sellerTaxId === mainSupplier)).toBe(true);
    const first = await stack.api.get("/v1/invoices?status=verified&limit=2", { key });
    expect(first.body.items).toHaveLength(2);
    const second = await stack.api.get(`/v1/invoices?status=verified&limit=2&after=${first.body.next}`, { key });
    expect(second.body.items[0].id).toBe(verified[2].id);
    const free = (await stack.api.get("/v1/invoices?status=verified&attached=false&limit=200", { key })).body.items;
    expect(free.every((i: Invoice) => i.receivableId === null)).toBe(true);
    const bad = await stack.api.get("/v1/invoices?status=paid", { key });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe("query.status");
  });

  it("hides another tenant's invoices (404), while the operator reads all", async () => {
    const mine = itemOf(goods[0]);
    const other = seeded.organizations.find((o) => o.roles.includes("supplier") && o.uscc !== mainSupplier)!;
    const r = await stack.api.get(`/v1/invoices/${mine.id}`, { key: other.key });
    expect(r.status).toBe(404);
    expect(r.body.code).toBe("RESOURCE.NOT_FOUND");
    const missing = await stack.api.get(`/v1/invoices/${randomUUID()}`, { key: other.key });
    expect(missing.status).toBe(404);
    expect(missing.body.detail.replace(/[0-9a-f-]{36}/, "")).toBe(r.body.detail.replace(/[0-9a-f-]{36}/, ""));
    const list = (await stack.api.get("/v1/invoices?limit=200", { key: other.key })).body.items;
    expect(list.every((i: Invoice) => i.sellerTaxId === other.uscc)).toBe(true);
    const bank = seeded.organizations.find((o) => o.roles.includes("bank"))!;
    expect((await stack.api.get(`/v1/invoices/${mine.id}`, { key: bank.key })).status).toBe(404);
    expect((await stack.api.get(`/v1/invoices/${mine.id}`, { key: stack.operatorKey })).status).toBe(200);
    expect((await stack.api.get("/v1/invoices/not-a-uuid", { key: other.key })).status).toBe(422);
  });

  // ─── Registry ─────────────────────────────────────────────────────

  it("searches the registry's seeded filings and registers assignments (inside the caller's transaction)", async () => {
    const pledged = frauds.find((f) => f.expected === "INVOICE.ALREADY_PLEDGED")!;
    const seededFilings = JSON.parse(readFileSync(join(DEFAULT_SEEDS_DIR, "registry.json"), "utf8")).filings;
    const key = invoiceKey(pledged.supplier, pledged.invoice.invoiceCode ? `${pledged.invoice.invoiceCode}-${pledged.invoice.invoiceNumber}` : pledged.invoice.invoiceNumber);
    const found = await service.adapters.registry.search([key]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ invoiceKey: key, creditorTaxId: pledged.supplier, amount: BigInt(pledged.invoice.total) });
    expect(seededFilings.map((f: { reference: string }) => f.reference)).toContain(found[0].reference);

    const inv = (await stack.api.get(`/v1/invoices/${itemOf(goods[1]).id}`, { key: keyOf(mainSupplier) })).body;
    expect(await service.adapters.registry.search([inv.invoiceKey])).toEqual([]);
    const filing = { invoiceKey: inv.invoiceKey, kind: "assignment" as const, debtorTaxId: inv.buyerTaxId, creditorTaxId: inv.sellerTaxId, assignee: "蓉城银行股份有限公司", amount: BigInt(inv.total), reference: `CF-${randomUUID()}` };
    await expect(
      stack.ds.transaction(async (em) => {
        await service.adapters.registry.register(filing, em);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await service.adapters.registry.search([inv.invoiceKey])).toEqual([]);
    const registered = await service.adapters.registry.register(filing);
    expect(registered).toMatchObject({ ...filing, id: expect.any(String) });
    expect((await service.adapters.registry.search([inv.invoiceKey, key])).map((f) => f.reference)).toEqual(expect.arrayContaining([filing.reference, found[0].reference]));
  });

  // ─── For receivables: attach, detach, the invoice root ────────────

  describe("attach and detach", () => {
    const ids = () => goods.slice(0, 3).map((g) => itemOf(g).id);
    const supplierId = () => orgOf(mainSupplier).id;
    const code = async (p: Promise<unknown>) => {
      try {
        await p;
        return "ok";
      } catch (e) {
        return e instanceof AppError ? `${e.status} ${e.code}` : String(e);
      }
    };

    it("attaches verified invoices under a row lock: of two concurrent registrations, one wins", async () => {
      const [first, second] = [randomUUID(), randomUUID()];
      const attachSlowly = (receivableId: string) =>
        stack.ds.transaction(async (em) => {
          const invoices = await service.attach(em, supplierId(), ids(), mainBuyer, receivableId);
          await sleep(300); // hold the locks while the other registration waits
          return invoices;
        });
      const results = await Promise.allSettled([attachSlowly(first), attachSlowly(second)]);
      const won = results.filter((r) => r.status === "fulfilled");
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0].reason).toBeInstanceOf(AppError);
      expect((lost[0].reason as AppError).code).toBe("INVOICE.ALREADY_ATTACHED");
      const winner = (won[0] as PromiseFulfilledResult<Invoice[]>).value;
      const receivableId = winner[0].receivableId!;
      const rows = await stack.ds.getRepository(InvoiceEntity).findBy(ids().map((id) => ({ id })));
      expect(rows.every((r) => r.receivableId === receivableId)).toBe(true);
      const view = (await stack.api.get(`/v1/invoices/${ids()[0]}`, { key: keyOf(mainSupplier) })).body;
      expect(view.receivableId).toBe(receivableId);

      // the same registration again is harmless; another still cannot take them
      expect(await code(stack.ds.transaction((em) => service.attach(em, supplierId(), ids(), mainBuyer, receivableId)))).toBe("ok");
      expect(await code(stack.ds.transaction((em) => service.attach(em, supplierId(), [ids()[1]], mainBuyer, randomUUID())))).toBe("409 INVOICE.ALREADY_ATTACHED");

      // detached (the receivable was rejected), they can back another
      await stack.ds.transaction((em) => service.detach(em, receivableId));
      const again = await stack.ds.transaction((em) => service.attach(em, supplierId(), ids(), mainBuyer, second));
      expect(again.map((i) => i.receivableId)).toEqual([second, second, second]);
      await stack.ds.transaction((em) => service.detach(em, second));
    });

    it("refuses invoices that cannot back the receivable, naming the first and why", async () => {
      const fraud = frauds[0];
      const otherCore = seeded.organizations.find((o) => o.tier === 0 && o.uscc !== mainBuyer)!.uscc;
      const attach = (org: string, list: string[], buyer = mainBuyer) => code(stack.ds.transaction((em) => service.attach(em, org, list, buyer, randomUUID())));
      expect(await attach(orgOf(fraud.supplier).id, [itemOf(fraud).id], fraud.invoice.buyerTaxId)).toBe("409 INVOICE.NOT_VERIFIED");
      expect(await attach(supplierId(), [ids()[0]], otherCore)).toBe("422 INVOICE.WRONG_OBLIGOR");
      expect(await attach(orgOf(goods[5].supplier).id, [ids()[0]])).toBe("404 RESOURCE.NOT_FOUND");
      expect(await attach(supplierId(), [ids()[0], ids()[0]])).toBe("422 REQUEST.INVALID");
      expect(await attach(supplierId(), [])).toBe("422 REQUEST.INVALID");
      expect(await attach(supplierId(), [randomUUID()])).toBe("404 RESOURCE.NOT_FOUND");
      // nothing was attached along the way
      const rows = await stack.ds.getRepository(InvoiceEntity).findBy(ids().map((id) => ({ id })));
      expect(rows.every((r) => r.receivableId === null)).toBe(true);
    });

    it("commits to the invoices with an OpenZeppelin-compatible Merkle root", async () => {
      const rows = await stack.ds.getRepository(InvoiceEntity).findBy(ids().map((id) => ({ id })));
      const leaves = rows.map((r) => keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "bytes32"], [r.invoiceKey, r.evidenceHash])));
      expect(rows.map(invoiceLeaf)).toEqual(leaves);
      // by hand: sorted leaves, sorted-pair hashing, the odd one carried up
      const pair = (a: string, b: string) => keccak256(concat(BigInt(a) < BigInt(b) ? [a, b] : [b, a]));
      const [l0, l1, l2] = [...leaves].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
      expect(invoicesRoot(rows)).toBe(pair(pair(l0, l1), l2));
      expect(invoicesRoot([...rows].reverse())).toBe(invoicesRoot(rows));
      expect(invoicesRoot([rows[0]])).toBe(leaves[0]);
      for (const r of rows) expect(verifyInvoiceProof(invoiceProof(rows, r), invoicesRoot(rows), invoiceLeaf(r))).toBe(true);
      expect(() => invoicesRoot([{ invoiceKey: rows[0].invoiceKey, evidenceHash: null }])).toThrow(/only verified invoices/);
    });
  });

  // ─── Seeds ────────────────────────────────────────────────────────

  it("loads the seeds idempotently: a second run creates nothing", async () => {
    const orgs = async () => (await stack.ds.query(`SELECT count(*)::int AS n FROM organizations`))[0].n as number;
    const [orgsBefore, invoicesBefore, keysBefore] = [await orgs(), await count(), (await stack.ds.query(`SELECT count(*)::int AS n FROM api_keys`))[0].n];
    const keys = Object.fromEntries(seeded.organizations.map((o) => [o.uscc, o.key]));
    const again = await loadSeeds({ baseUrl: stack.api.baseUrl, operatorKey: stack.operatorKey, subset, keys });
    expect(again.created).toEqual({ organizations: 0, kycApprovals: 0, users: 0, apiKeys: 0, invoices: 0 });
    expect(again.invoices.existing).toBe(seeded.invoices.items.length);
    expect(again.organizations.map((o) => [o.uscc, o.id, o.key])).toEqual(seeded.organizations.map((o) => [o.uscc, o.id, o.key]));
    expect(again.invoices.items.map((i) => i.id).sort()).toEqual(seeded.invoices.items.map((i) => i.id).sort());
    expect([await orgs(), await count(), (await stack.ds.query(`SELECT count(*)::int AS n FROM api_keys`))[0].n]).toEqual([orgsBefore, invoicesBefore, keysBefore]);
  });

  it("has committed exactly what the deterministic generator makes", () => {
    for (const [name, content] of Object.entries(generateSeeds())) {
      expect(readFileSync(join(DEFAULT_SEEDS_DIR, name), "utf8"), name).toBe(JSON.stringify(content, null, 2) + "\n");
    }
  });
});
