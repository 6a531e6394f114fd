/**
 * Reconciliation: per-bank reports of on-chain state against the platform's records and the
 * bank's own statement. (Implementation to come: see the stubs.)
 */
import type { DataSource } from "typeorm";
import type { Routes } from "../../shared/http/route";

export class ReconciliationService {
  constructor(readonly ds: DataSource) {}
}

export function reconciliationRoutes(_routes: Routes, _service: ReconciliationService): void {}
