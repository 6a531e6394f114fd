import { z, type ApiTag } from "../../shared/http/openapi";
import { OperationView, operationView } from "../../ledger/outbox/operation.view";
import type { Accepted } from "./receivables.service";
import { receivableView } from "./receivables.views";
import { ReceivableView } from "./receivables.schemas";

/** What the receivables module's routes share: their tag, and the answer of a change queued for the ledger. */
export const TAG: ApiTag = {
  name: "Receivables",
  description:
    "Receivable certificates on the ledger: registered by a supplier and confirmed by its core enterprise (or issued by the core enterprise), then split down the supply chain or transferred; each issue, transfer and split part waits for its receiver's acceptance (签收) or refusal (拒签); what a core enterprise owes, by due date; whether an obligor is paused as delinquent.",
};

export const AcceptedView = z.object({ items: z.array(z.object({ receivable: ReceivableView, operation: OperationView })) }).openapi("ReceivablesAccepted");
export const accepted = (items: Accepted[]) => ({ items: items.map((a) => ({ receivable: receivableView(a.receivable), operation: operationView(a.operation, null) })) });

