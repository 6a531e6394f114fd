/**
 * Webhooks: organizations subscribe to events; deliveries are HMAC-signed, retried with backoff
 * through BullMQ, and listed with their status. (Implementation to come: see the stubs.)
 */
import type { DataSource } from "typeorm";
import type { Routes } from "../../shared/http/route";
import type { Projections } from "../../indexer/projections";
import type { KeyVault } from "../../ledger/key-vault";

export class WebhooksService {
  constructor(
    readonly ds: DataSource,
    readonly vault: KeyVault,
  ) {}

  /** Delivers one delivery (the `webhook.deliver` job); throws to have BullMQ retry it. */
  async deliver(_deliveryId: string): Promise<void> {}
}

/** Subscription and delivery routes. */
export function webhooksRoutes(_routes: Routes, _service: WebhooksService): void {}

/**
 * Chain events → webhook deliveries for the subscribed organizations involved, created in the
 * indexer's transaction; `enqueue(deliveryId)` runs after it commits.
 */
export function webhookProjections(p: Projections, _enqueue: (deliveryId: string) => Promise<void>): Projections {
  return p;
}
