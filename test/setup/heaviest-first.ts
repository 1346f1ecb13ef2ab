import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The order test files start in. Vitest's own sequencer runs the projects in the order of their
 * names (e2e, fuzz, infra, integration, unit, workflow, workflow-runner), so the workflow files,
 * the longest of all (each drives orders through a twin for minutes on a busy machine), started
 * last and ran on after every other file had finished, with workers idle. Longest first, shortest
 * last is the classic remedy: the many quick unit files fill the workers that free up at the end.
 * Within a project, Vitest's order stays (longest first by the durations of the last run, else
 * largest file first).
 */
const PROJECTS_LONGEST_FIRST = ['workflow', 'e2e', 'fuzz', 'integration', 'workflow-runner', 'infra', 'unit'];

const rank = (spec: TestSpecification) => {
  const at = PROJECTS_LONGEST_FIRST.indexOf(spec.project.name);
  return at < 0 ? PROJECTS_LONGEST_FIRST.length : at;
};

export default class HeaviestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    // Array.prototype.sort is stable: within a project, the base order is kept.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}
