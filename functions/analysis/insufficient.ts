/**
 * An analysis that cannot say anything sound about the data it was given (too few customers,
 * too few distinct rows): the run records the kind as "insufficient" with this reason instead of
 * failing or guessing.
 */
export class InsufficientDataError extends Error {
  readonly reason: string;

  constructor(reason: string) {
    super(reason);
    this.name = 'InsufficientDataError';
    this.reason = reason;
  }
}
