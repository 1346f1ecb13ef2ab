import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { InvalidTransitionError } from '../../functions/needs/errors';
import { canMove, isFinalNeedStatus, NEED_STATUSES } from '../../functions/needs/lifecycle';
import { Need } from '../../functions/needs/schemas';
import { patched } from '../../functions/needs/update-need';
import { needOf } from '../support/need-fixture';

const need = (extra: Partial<Need> = {}): Need => needOf({ version: 3, ...extra });

describe('the need lifecycle', () => {
  it('allows exactly these moves', () => {
    const allowed = NEED_STATUSES.flatMap((from) =>
      NEED_STATUSES.filter((to) => canMove(from, to)).map((to) => `${from}→${to}`),
    );
    assert.deepEqual(allowed, [
      'NEW→QUALIFIED',
      'NEW→IN_PROGRESS',
      'NEW→DECLINED',
      'QUALIFIED→IN_PROGRESS',
      'QUALIFIED→DECLINED',
      'IN_PROGRESS→QUALIFIED',
      'IN_PROGRESS→FULFILLED',
      'IN_PROGRESS→DECLINED',
    ]);
    assert.deepEqual(NEED_STATUSES.filter(isFinalNeedStatus), ['FULFILLED', 'DECLINED']);
  });

  it('applies a merge patch: replaces, removes on null, keeps the rest, and records a status step', () => {
    const before = need({ tags: ['a'], quantity: 2 });
    const { after, steps } = patched(
      before,
      { title: 'New title', tags: null, status: 'QUALIFIED', statusReason: 'Called back' },
      '2026-02-01T00:00:00.000Z',
    );
    assert.equal(after.title, 'New title');
    assert.equal(after.tags, undefined);
    assert.equal(after.quantity, 2);
    assert.equal(after.status, 'QUALIFIED');
    assert.equal(after.statusChangedAt, '2026-02-01T00:00:00.000Z');
    assert.equal(after.version, 4);
    assert.deepEqual(steps, [{ from: 'NEW', to: 'QUALIFIED', reason: 'Called back' }]);
    // In the resource's field order, whatever order the patch came in.
    assert.deepEqual(
      Object.keys(after),
      Object.keys(Need.shape).filter((field) => field in after),
    );
  });

  it('records no step when the status stays, and refuses a move the lifecycle does not allow', () => {
    assert.deepEqual(patched(need(), { status: 'NEW' }, '2026-02-01T00:00:00.000Z').steps, []);
    assert.throws(
      () => patched(need({ status: 'FULFILLED' }), { status: 'IN_PROGRESS' }, '2026-02-01T00:00:00.000Z'),
      (error: unknown) =>
        error instanceof InvalidTransitionError &&
        error.statusCode === 409 &&
        error.extensions.from === 'FULFILLED' &&
        error.extensions.to === 'IN_PROGRESS' &&
        /FULFILLED is final/.test(error.detail),
    );
  });
});
