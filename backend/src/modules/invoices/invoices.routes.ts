import type { Routes } from "../../shared/http/route";
import type { InvoicesService } from "./invoices.service";

/** Invoice intake routes. */
export function invoicesRoutes(_routes: Routes, _service: InvoicesService, _enqueue: (invoiceId: string) => Promise<void>): void {}
