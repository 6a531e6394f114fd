import type { WebhookPayload } from "./webhooks.projections";

export interface DeliveryOptions {
  /** Attempts before a delivery is marked `failed` and no longer retried. */
  maxAttempts: number;
  /** How long a receiver has to answer one attempt. */
  timeoutMs: number;
  /** The queue's exponential backoff base (shared/queue.ts), to show when the next attempt is due. */
  backoffBaseMs: number;
}

/**
 * 18 attempts on the queue's exponential backoff (0.5 s, 1 s, 2 s, … doubling) span about 18 hours,
 * enough to ride out a receiver's overnight outage; the queue allows 20 attempts, so the delivery
 * is marked `failed` here before the queue gives up on the job.
 */
export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = { maxAttempts: 18, timeoutMs: 5000, backoffBaseMs: 500 };

/** The body POSTed: top-level order fixed for readability; the signature covers these exact bytes. */
export const deliveryBody = (payload: WebhookPayload) => JSON.stringify({ id: payload.id, type: payload.type, occurredAt: payload.occurredAt, data: payload.data });

/** Why an attempt the receiver answered failed, from its status and body; null when it was delivered (2xx). */
export function answerProblem(status: number, body: string): string | null {
  if (status >= 200 && status < 300) return null;
  // the body only explains a failure
  const text = body.replace(/\s+/g, " ").trim().slice(0, 200);
  const redirect = status >= 300 && status < 400 ? " (redirects are not followed: subscribe the final URL)" : "";
  return `the receiver answered HTTP ${status}${redirect}${text ? `: ${text}` : ""}`;
}

/** Why an attempt got no answer (`fetch` threw `e`). */
export function unreachableProblem(e: unknown, timeoutMs: number): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  const timedOut = err.name === "TimeoutError" || err.name === "AbortError";
  return timedOut ? `no answer within ${timeoutMs} ms` : `could not reach the receiver: ${err.cause?.code ?? err.cause?.message ?? err.message}`;
}

/** Whether the queue tries a delivery again after its `attempts`-th failed attempt; if not, the delivery has `failed`. */
export const retriesAfter = (attempts: number, options: Pick<DeliveryOptions, "maxAttempts">) => attempts < options.maxAttempts;
