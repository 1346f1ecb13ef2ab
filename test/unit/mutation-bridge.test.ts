import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import {
  type MutantCoverage,
  mergeCoverage,
  mutantVariables,
  type StrykerNamespace,
  takeCoverage,
} from '../../local/lambda/mutation-bridge';

/**
 * The bridge that lets mutation testing see the twin's Lambda environments (worker threads), on
 * namespaces of the test's own: the real `globalThis.__stryker__` belongs to the Stryker run this
 * file may be part of.
 */
describe('mutation testing across the twin’s Lambda environments', () => {
  it('switches the active mutant on in a new environment, and nothing outside a mutant run', () => {
    assert.deepEqual(mutantVariables({ activeMutant: '42' }), { __STRYKER_ACTIVE_MUTANT__: '42' });
    assert.deepEqual(mutantVariables({ activeMutant: 7 }), { __STRYKER_ACTIVE_MUTANT__: '7' });
    assert.deepEqual(mutantVariables({}), {});
    assert.deepEqual(mutantVariables(undefined), {});
  });

  it('hands over what an environment reached and counts afresh, in the record instrumented code holds', () => {
    const coverage: MutantCoverage = { static: { '1': 2 }, perTest: { t: { '3': 1 } } };
    const ns: StrykerNamespace = { mutantCoverage: coverage };

    assert.deepEqual(takeCoverage(ns), { static: { '1': 2 }, perTest: { t: { '3': 1 } } });
    assert.equal(ns.mutantCoverage, coverage, 'the same record: instrumented modules keep a reference to it');
    assert.deepEqual(coverage, { static: {}, perTest: {} });
    // Nothing reached since: nothing to send.
    assert.equal(takeCoverage(ns), undefined);
    coverage.static['5'] = 1;
    assert.deepEqual(takeCoverage(ns), { static: { '5': 1 }, perTest: {} });
    assert.equal(takeCoverage({}), undefined);
    assert.equal(takeCoverage(undefined), undefined);
  });

  it('adds an environment’s counts to the test running now, or outside any test between tests', () => {
    const ns: StrykerNamespace = {
      currentTestId: 'a.test.ts#one',
      mutantCoverage: { static: {}, perTest: {} },
    };
    mergeCoverage({ static: { '1': 1, '2': 3 }, perTest: {} }, ns);
    mergeCoverage({ static: { '2': 1 }, perTest: { other: { '9': 1 } } }, ns);
    assert.deepEqual(ns.mutantCoverage, {
      static: {},
      perTest: { 'a.test.ts#one': { '1': 1, '2': 4, '9': 1 } },
    });

    ns.currentTestId = undefined;
    mergeCoverage({ static: { '4': 1 }, perTest: {} }, ns);
    assert.deepEqual(ns.mutantCoverage?.static, { '4': 1 });

    const fresh: StrykerNamespace = { currentTestId: 'b' };
    mergeCoverage({ static: { '1': 1 }, perTest: {} }, fresh);
    assert.deepEqual(fresh.mutantCoverage, { static: {}, perTest: { b: { '1': 1 } } });
  });

  it('merges nothing while a mutant is active, or outside a mutation run', () => {
    const active: StrykerNamespace = { activeMutant: '3', currentTestId: 't' };
    mergeCoverage({ static: { '1': 1 }, perTest: {} }, active);
    assert.equal(active.mutantCoverage, undefined);
    assert.doesNotThrow(() => mergeCoverage({ static: { '1': 1 }, perTest: {} }, undefined));
    const idle: StrykerNamespace = { currentTestId: 't' };
    mergeCoverage(undefined, idle);
    assert.equal(idle.mutantCoverage, undefined);
  });
});
