import { assertMaySetFields } from '../shared/auth/permissions';
import type { Principal } from '../shared/auth/principal';
import { type BatchRequest, type BatchResult, runBatch } from '../shared/http/batch';
import { ExternalRefTakenError, type FieldIssue, ForbiddenError } from '../shared/http/errors';
import type { Operation } from '../shared/http/operation';
import { CustomerCreate } from './schemas';
import { createCustomer } from './store';

/**
 * `POST /v1/customers/batch`: each item created as `POST /v1/customers` creates one, with the same
 * rules: the fields only some roles may set (`creditLimit`) are checked per item, against the
 * batch operation's own declaration, and an item whose `externalRef` is taken is `existing` with
 * the id of the customer that has it (what makes a re-import a no-op).
 */
export function createCustomerBatch(request: BatchRequest, items: readonly unknown[]): Promise<BatchResult> {
  const now = request.now.toISOString();
  return runBatch(request, items, CustomerCreate, async (customer, index, claim) => {
    assertItemFields(request.principal, request.op, customer, index);
    try {
      return {
        outcome: 'created',
        id: (await createCustomer(request.principal.tenantId, customer, now, claim)).id,
      };
    } catch (error) {
      if (error instanceof ExternalRefTakenError)
        return { outcome: 'existing', id: error.extensions.existingId as string };
      throw error;
    }
  });
}

/** `assertMaySetFields` on one item of a batch: the 403 names the field inside the item. */
export function assertItemFields(principal: Principal, op: Operation, item: unknown, index: number): void {
  try {
    assertMaySetFields(principal, op, item);
  } catch (error) {
    if (!(error instanceof ForbiddenError)) throw error;
    const issues = (error.extensions.errors as FieldIssue[] | undefined)?.map((issue) => ({
      ...issue,
      field: issue.field.replace(/^body\./, `body.items.${index}.`),
    }));
    throw new ForbiddenError(error.detail, issues);
  }
}
