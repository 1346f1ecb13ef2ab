import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { applyMergePatch, versionedUpdateItem } from '../../functions/shared/db/versioned-update';

/**
 * applyMergePatch is the item as versionedUpdateItem's UpdateItem leaves it: a field present
 * replaces, `null` removes, and a key whose value is undefined is no change at all (the update
 * names no such field), so the answer must keep the stored value too.
 */
describe('applyMergePatch', () => {
  const item = { pk: 'P', sk: 'S', name: 'Old', email: 'a@example.com', phone: '+44 1', version: 3 };
  const patch = { name: 'New', email: null, phone: undefined };
  const now = '2026-03-01T10:00:00.000Z';

  it('replaces, removes and keeps as the UpdateItem does, and counts the version up', () => {
    assert.deepEqual(applyMergePatch(item, patch, now), {
      pk: 'P',
      sk: 'S',
      name: 'New',
      phone: '+44 1',
      version: 4,
      updatedAt: now,
    });
    const update = versionedUpdateItem({
      tableName: 'domain',
      key: { pk: 'P', sk: 'S' },
      expectedVersion: 3,
      patch,
      now,
    });
    assert.equal(
      update.UpdateExpression,
      'SET #version = #version + :one, #updatedAt = :now, #f0 = :v0 REMOVE #f1',
    );
    assert.deepEqual(Object.values(update.ExpressionAttributeNames), [
      'version',
      'updatedAt',
      'name',
      'email',
    ]);
  });
});
