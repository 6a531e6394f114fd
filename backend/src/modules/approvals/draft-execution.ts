import { AsyncLocalStorage } from "node:async_hooks";
import { EventSubscriber, type EntitySubscriberInterface, type TransactionCommitEvent } from "typeorm";
import { AppError } from "../../shared/errors";
import { rowsOf } from "../../shared/db-types";

/** One approval's run of a draft's action: the draft and the token its claim wrote. */
export interface DraftExecution {
  draftId: string;
  execution: string;
}

const running = new AsyncLocalStorage<DraftExecution>();

/** Runs `action` as the execution of a claimed draft: every transaction it commits marks the draft applied. */
export function asDraftExecution<T>(run: DraftExecution, action: () => Promise<T>): Promise<T> {
  return running.run(run, action);
}

/**
 * Marks the draft `applied` inside every transaction its action commits, so that whether the action
 * had an effect is known even when the process running it dies before recording the outcome; and
 * aborts the transaction when the draft is no longer this execution's (the sweeper handed it back
 * as pending after the process seemed dead): a draft's action is carried out at most once.
 */
export class DraftExecutionGuard implements EntitySubscriberInterface {
  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    const run = running.getStore();
    if (!run) return;
    const held = rowsOf(await event.queryRunner.query(`UPDATE drafts SET applied = true WHERE id = $1 AND execution = $2 RETURNING id`, [run.draftId, run.execution]));
    if (held.length === 0) {
      throw new AppError(
        "DRAFT.INTERRUPTED",
        409,
        "This approval took too long and was handed back: the draft is pending again and nothing was written by this approval. Look at the draft before approving it again.",
      );
    }
  }
}
EventSubscriber()(DraftExecutionGuard); // registers it with TypeORM (the codebase uses no decorators)
