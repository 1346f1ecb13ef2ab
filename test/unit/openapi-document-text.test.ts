import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { buildOpenApiDocument } from '../../functions/system/openapi-document';

/** Every node of a JSON value with the path that leads to it. */
function* walk(value: unknown, path: string): Generator<[string, unknown]> {
  yield [path, value];
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of Object.entries(value)) yield* walk(child, `${path}/${key}`);
}

/**
 * What a reader of the API description relies on, checked over the whole document rather than
 * per operation: text that is there says something, and no field is described as accepting
 * nothing. An empty `.describe('')` or `summary: ''`, or an enum left with no values, is a
 * mistake no single route's test would notice.
 */
describe('the OpenAPI document’s text', () => {
  const document = buildOpenApiDocument();
  const nodes = [...walk(document, '#')];
  const objects = nodes.filter((n): n is [string, Record<string, unknown>] => {
    const [, value] = n;
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  });

  it('gives every operation a summary of one line', () => {
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods));
    assert.ok(operations.length > 50, `the document holds every operation (${operations.length})`);
    for (const op of operations as { operationId: string; summary: unknown }[]) {
      assert.equal(typeof op.summary, 'string', op.operationId);
      const summary = op.summary as string;
      assert.ok(
        summary.trim().length >= 10,
        `${op.operationId} has a summary that says something: "${summary}"`,
      );
      assert.ok(!summary.includes('\n'), `${op.operationId}'s summary is one line`);
    }
  });

  it('has no empty summary, description or title anywhere', () => {
    let seen = 0;
    for (const [path, value] of objects)
      for (const key of ['summary', 'description', 'title'] as const) {
        // A property named `description` or `title` is a field of the domain, not text about it.
        if (!(key in value) || path.endsWith('/properties')) continue;
        seen++;
        const text = value[key];
        assert.equal(typeof text, 'string', `${path}/${key}`);
        assert.notEqual((text as string).trim(), '', `${path}/${key} is empty`);
      }
    assert.ok(seen > 300, `the walk met the document's text (${seen} pieces)`);
  });

  it('has no schema that accepts nothing (an enum with no values becomes `not: {}`) or only an empty string', () => {
    for (const [path, value] of objects) {
      if (path.endsWith('/properties')) continue;
      if ('not' in value) assert.notDeepEqual(value.not, {}, `${path} accepts no value at all`);
      if ('enum' in value) {
        const values = value.enum as unknown[];
        assert.ok(values.length > 0, `${path} has an empty enum`);
        assert.ok(
          !values.includes(''),
          `${path} offers the empty string as a value: ${JSON.stringify(values)}`,
        );
      }
      if ('const' in value) assert.notEqual(value.const, '', `${path} accepts only the empty string`);
    }
  });
});
