import type { Need } from '../../functions/needs/schemas';

/** A valid need as the store holds it (NEW, untyped, version 1), with `extra` laid over it: the unit tests' starting point. */
export const needOf = (extra: Partial<Need> = {}): Need => ({
  id: '01J00000000000000000000001',
  customerId: '01J00000000000000000000002',
  channel: 'call',
  title: 'Wants a quote',
  priority: 'normal',
  status: 'NEW',
  statusChangedAt: '2026-01-01T00:00:00.000Z',
  receivedAt: '2026-01-01T00:00:00.000Z',
  autoFulfil: true,
  createdBy: 'sam',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  version: 1,
  ...extra,
});
