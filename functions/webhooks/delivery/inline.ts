import { logger } from '../../shared/logger';
import type { DeliverySettings } from './config';
import { drainLane } from './drain';
import type { DueEntry } from './queue';

/**
 * Attempts lanes now, concurrently, within the inline budget (the fan-out right after queueing, a
 * redelivery right after requeueing): an attempt still in flight when the budget is spent is cut
 * off and left to the sweeper, which sends it again at once with the same webhook-id. The due
 * entries stay until a lane is done, so whatever this does not finish, the sweeper does.
 */
export async function attemptInline(dues: readonly DueEntry[], settings: DeliverySettings): Promise<void> {
  if (dues.length === 0) return;
  const budget = new AbortController();
  const deadline = Date.now() + settings.inlineBudgetMs;
  const timer = setTimeout(() => budget.abort(), settings.inlineBudgetMs);
  try {
    await Promise.all(
      dues.map((due) =>
        drainLane(due, { settings, stopped: () => Date.now() >= deadline, signal: budget.signal }).catch(
          (error: unknown) =>
            // The due entry stays: the sweeper takes the lane over.
            logger.warn('inline webhook attempt failed', {
              endpointId: due.endpointId,
              error: error as Error,
            }),
        ),
      ),
    );
  } finally {
    clearTimeout(timer);
  }
}
