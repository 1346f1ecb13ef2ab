/**
 * The critical areas of issue 13, each an explicit list of source files (paths from the repo root).
 * scripts/mutation-score.ts scores each area from a Stryker report: ≥ 90 % for each area the report
 * measured, ≥ 80 % overall. A file may sit in more than one area.
 */
export const CRITICAL_AREAS: Record<string, readonly string[]> = {
  // Amounts: minor units, rounding, totals, the decimal strings of rules, customers' balances.
  money: [
    'functions/shared/money.ts',
    'functions/orders/pricing.ts',
    'functions/approvals/decimal.ts',
    'functions/customers/balance-items.ts',
  ],
  // Stock: the conditional writes that take, give back and adjust it.
  stock: [
    'functions/products/stock-items.ts',
    'functions/products/adjust-stock.ts',
    'functions/workflow/reservation.ts',
    'functions/workflow/reserve-stock.ts',
    'functions/orders/short-stock.ts',
  ],
  // Approval: the rules and their engine, the levels and who may decide them, the workflow's decision.
  approval: [
    'functions/approvals/engine.ts',
    'functions/approvals/rules.ts',
    'functions/approvals/terms.ts',
    'functions/approvals/simulate.ts',
    'functions/approvals/validate.ts',
    'functions/orders/approval-levels.ts',
    'functions/orders/approval-inbox.ts',
    'functions/orders/approve-order.ts',
    'functions/orders/reject-order.ts',
    'functions/workflow/decision.ts',
    'functions/workflow/evaluation.ts',
    'functions/workflow/await-approval.ts',
    'functions/workflow/escalate-approval.ts',
  ],
  // Idempotency: claiming a request, storing and replaying its response.
  idempotency: [
    'functions/shared/idempotency/claim.ts',
    'functions/shared/idempotency/record.ts',
    'functions/shared/http/idempotent-request.ts',
  ],
  // Auth: who the caller is and what their roles and scopes allow.
  auth: [
    'functions/shared/auth/claims.ts',
    'functions/shared/auth/machine-scope-list.ts',
    'functions/shared/auth/machine-scopes.ts',
    'functions/shared/auth/permissions.ts',
    'functions/shared/auth/principal.ts',
    'functions/shared/auth/roles.ts',
    'functions/shared/http/middlewares/authorize.ts',
  ],
  // Tenancy: every key carries the tenant; a partner sees only the orders it serves.
  tenancy: [
    'functions/shared/db/keys.ts',
    'functions/orders/partner-scope.ts',
    'functions/orders/partner-access.ts',
  ],
};

/** Each critical area must reach this mutation score (%), the whole report OVERALL_FLOOR. */
export const AREA_FLOOR = 90;
export const OVERALL_FLOOR = 80;
