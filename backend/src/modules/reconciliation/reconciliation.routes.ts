import { z, type ApiTag } from "../../shared/http/openapi";
import type { Routes } from "../../shared/http/route";
import { MISMATCH_CODES } from "./matching";
import type { ReconciliationService } from "./reconciliation.service";
import { reportCsv } from "./report-csv";
import { CalendarDate } from "../../shared/http/dates";
import { MOVEMENT_TYPES, STATEMENT_COLUMNS } from "./statement-csv";

const TAG: ApiTag = {
  name: "Reconciliation",
  description: "A bank's books against the platform and the ledger, day by day: statements uploaded and matched line by line, and the reconciliation report with every mismatch (docs/reconciliation.md).",
};
const Uuid = z.string().uuid("must be a UUID");
const Day = CalendarDate.openapi({ description: "A China Standard Time (Asia/Shanghai) day.", example: "2026-11-20" });

const Money = z.string().openapi({ description: "Integer fen." });
const Party = z.object({ id: z.string(), name: z.string(), uscc: z.string() });
const MismatchView = z
  .object({
    code: z.enum(MISMATCH_CODES),
    message: z.string(),
    financingId: z.string().nullable(),
    statementLine: z.number().int().nullable(),
    expected: z.string().optional(),
    actual: z.string().optional(),
  })
  .openapi("ReconciliationMismatch");
const LineView = z.object({
  line: z.number().int(),
  valueDate: z.string(),
  reference: z.string(),
  type: z.enum(MOVEMENT_TYPES),
  amount: Money,
  counterparty: z.string(),
  bankReference: z.string(),
  matched: z.boolean(),
  mismatches: z.array(z.enum(MISMATCH_CODES)),
});
const ByCode = z.record(z.string(), z.number().int());

const ReportView = z
  .object({
    bankId: z.string(),
    bankName: z.string(),
    date: z.string(),
    timeZone: z.literal("Asia/Shanghai"),
    period: z.object({ from: z.string(), to: z.string() }),
    generatedAt: z.string(),
    chainSource: z.enum(["ledger", "projection"]),
    statement: z.object({ id: z.string(), uploadedAt: z.string(), fileSha256: z.string(), lines: z.number().int(), matchedLines: z.number().int() }).nullable(),
    totals: z.object({
      advancesPaid: Money,
      repaymentsReceived: Money,
      recoveries: Money,
      outstandingEndOfDay: Money,
      statement: z.object({ advance: Money, repayment: Money, recourse: Money }).nullable(),
    }),
    summary: z.object({ financings: z.number().int(), mismatches: z.number().int(), byCode: ByCode }),
    financings: z.array(
      z.object({
        financingId: z.string().nullable(),
        receivableId: z.string(),
        certificateId: z.string().nullable(),
        supplier: Party,
        obligor: Party,
        platform: z
          .object({
            status: z.string(),
            advance: Money,
            due: Money,
            recourse: z.boolean(),
            quote: z.object({ id: z.string(), annualRateBp: z.number(), dayCount: z.number(), days: z.number(), interest: Money, fee: Money }),
            acceptedAt: z.string(),
            fundedAt: z.string().nullable(),
            registryRegistrationId: z.string().nullable(),
            failure: z.object({ code: z.string(), reason: z.string() }).nullable(),
          })
          .nullable()
          .openapi({ description: "The platform's record; null when the ledger shows a financing the platform lacks." }),
        chain: z
          .object({
            status: z.string(),
            financingBankId: z.string().nullable(),
            face: Money,
            due: Money.nullable(),
            recourse: z.boolean(),
            maturity: z.string(),
            repaid: Money,
            paidToBank: Money,
            recovered: Money,
          })
          .openapi({ description: "The certificate as projected from the ledger (current state)." }),
        ledger: z
          .object({ status: z.string(), lienBank: z.string().nullable(), lienDue: Money, outstanding: Money })
          .nullable()
          .openapi({ description: "Read live from the ledger, when the platform is configured to." }),
        day: z.object({
          advancePaid: Money,
          repaymentsReceived: Money,
          recoveries: Money,
          events: z.array(z.object({ kind: z.string(), at: z.string(), toBank: Money, toHolder: Money, outstanding: Money, status: z.string(), txHash: z.string() })),
        }),
        outstandingEndOfDay: Money,
        statementLines: z.array(LineView),
        mismatches: z.array(MismatchView),
      }),
    ),
    unmatchedStatementLines: z.array(LineView),
    creditLines: z.array(
      z.object({
        obligorId: z.string(),
        obligorName: z.string(),
        obligorUscc: z.string(),
        limit: Money,
        used: Money,
        ledgerUsed: Money.nullable(),
        outstandingFinancings: Money,
        asOf: z.string(),
        mismatches: z.array(MismatchView),
      }),
    ),
    mismatches: z.array(MismatchView),
  })
  .openapi("ReconciliationReport");

const StatementInput = z
  .object({
    date: Day.openapi({ description: "The day the statement covers (China Standard Time)." }),
    csv: z
      .string()
      .min(1, "must not be empty")
      .max(2_000_000, "must be at most 2,000,000 characters; split the statement")
      .openapi({
        description:
          `The statement as CSV text: a header row naming the columns ${STATEMENT_COLUMNS.join(", ")} (any order), then one line per movement. ` +
          "value_date YYYY-MM-DD; reference: the platform's financing id, or the certificate (receivable id or ledger certificate id); " +
          "type: advance | repayment | recourse; amount: integer fen; counterparty: legal name or unified social credit code (may be empty); " +
          "bank_reference: your transaction reference, unique in the file. See docs/reconciliation.md.",
        example: "value_date,reference,type,amount,counterparty,bank_reference\n2026-11-20,3f0c9a7e-8d1b-4c52-9a57-0f3e8c1d2b4a,advance,9850000,91500109MATD0HX58F,BK20261120000123\n",
      }),
  })
  .strict()
  .openapi("BankStatementUpload");

const StatementSummaryView = z
  .object({
    id: z.string(),
    bankId: z.string(),
    date: z.string(),
    fileSha256: z.string(),
    uploadedAt: z.string(),
    duplicate: z.boolean().openapi({ description: "The same file was already uploaded for this date: the stored statement is reused and is the current one again." }),
    lines: z.number().int(),
    totals: z.object({ advance: Money, repayment: Money, recourse: Money }),
    reconciliation: z.object({ matchedLines: z.number().int(), mismatches: z.number().int(), byCode: ByCode }),
  })
  .openapi("BankStatementSummary");

/** Reconciliation routes: banks see their own books; operators and auditors name any bank. */
export function reconciliationRoutes(routes: Routes, service: ReconciliationService): void {
  routes.add({
    method: "get",
    path: "/v1/reconciliation/report",
    operationId: "reconciliation.getReport",
    summary:
      "A bank's reconciliation report for one day: every financing with activity that day or outstanding at its end, with its on-chain state, the platform's record and the matching statement line; every mismatch with its reason (JSON, or CSV with format=csv)",
    description:
      "For a day (China Standard Time) that has begun. Each financing carries the platform's record, the certificate as the ledger shows it, that day's movements and the statement lines matched to it; mismatches carry a code and the expected and actual values. Operators and auditors name the bank with `bankId`. `format=csv` answers the same report as a CSV file. See docs/reconciliation.md.",
    tag: TAG,
    roles: ["bank", "operator", "auditor"],
    query: z
      .object({
        date: Day,
        format: z.enum(["json", "csv"]).default("json"),
        bankId: Uuid.optional().openapi({ description: "Operators and auditors: the bank whose report to build. Banks: omit (or your own id)." }),
      })
      .strict(),
    status: 200,
    response: ReportView,
    handler: async ({ auth, query, res }) => {
      const report = await service.report(auth, { date: query.date, bankId: query.bankId });
      if (query.format === "json") return report;
      res
        .status(200)
        .type("text/csv; charset=utf-8")
        .set("Content-Disposition", `attachment; filename="reconciliation-${query.date}.csv"`)
        .send(reportCsv(report));
      return undefined;
    },
  });

  routes.add({
    method: "post",
    path: "/v1/reconciliation/statements",
    operationId: "reconciliation.uploadStatement",
    summary: "Upload your bank's statement for a day (CSV in a JSON body); it is checked line by line and matched against the platform",
    description:
      "Every line is checked first: one bad line and nothing is stored (422 STATEMENT.INVALID listing the problems). The latest upload for a day is the one that day's report uses; uploading the same file again reuses it (`duplicate`). Answers the totals and how many lines matched.",
    tag: TAG,
    roles: ["bank"],
    body: StatementInput,
    status: 201,
    response: StatementSummaryView,
    handler: async ({ auth, body }) => service.uploadStatement(auth, body.date, body.csv),
  });

  routes.add({
    method: "get",
    path: "/v1/reconciliation/statements",
    operationId: "reconciliation.listStatements",
    summary: "Uploaded statements, newest first; `current` marks the one each day's report uses (the latest upload)",
    description:
      "Optionally of one `date`; operators and auditors may name a bank with `bankId`.",
    tag: TAG,
    roles: ["bank", "operator", "auditor"],
    query: z.object({ date: Day.optional(), bankId: Uuid.optional() }).strict(),
    status: 200,
    response: z.object({
      items: z.array(z.object({ id: z.string(), bankId: z.string(), date: z.string(), fileSha256: z.string(), uploadedAt: z.string(), lines: z.number().int(), current: z.boolean() })),
    }),
    handler: async ({ auth, query }) => ({ items: await service.statements(auth, query) }),
  });
}
