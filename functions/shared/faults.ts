/**
 * Fault injection, for the twin's failure tests and nothing else: `ORDERLY_FAULTS` lists faults
 * as `<operation>:<fault>[@<rate>]`, comma-separated, e.g. `createOrder:after-commit@0.5`.
 * - `after-commit`: the invocation dies (its process exits) right after its transaction
 *   committed, before it answers: the client sees an error for a write that happened.
 * - `timeout`: the invocation hangs after its commit until its time limit ends it.
 * - `drop-start`: the function's StartExecution after its commit is lost (as if Step Functions
 *   were unreachable); `drop-answer`: its task token answer after its commit is lost. These name
 *   the function (`createOrder:drop-start`, `recordShipment:drop-answer`).
 * The stack never sets the variable, so in AWS `faultPoint` is a no-op; the twin passes it to
 * its environments from its own environment.
 */
export type Fault = 'after-commit' | 'timeout' | 'drop-start' | 'drop-answer';

interface Planned {
  operation: string;
  fault: Fault;
  rate: number;
}

function planned(): Planned[] {
  const spec = process.env.ORDERLY_FAULTS;
  if (!spec) return [];
  return spec.split(',').flatMap((entry) => {
    const match =
      /^\s*(\w+):(after-commit|timeout|drop-start|drop-answer)(?:@(0(?:\.\d+)?|1(?:\.0+)?))?\s*$/.exec(entry);
    if (!match?.[1] || !match[2]) return [];
    return [
      { operation: match[1], fault: match[2] as Fault, rate: match[3] === undefined ? 1 : Number(match[3]) },
    ];
  });
}

/** Called where a fault may strike: right after an operation's write committed. */
export async function afterCommit(operation: string): Promise<void> {
  for (const p of planned()) {
    if (p.operation !== operation || Math.random() >= p.rate) continue;
    if (p.fault === 'after-commit') return process.exit(1);
    if (p.fault === 'timeout') await new Promise((resolve) => setTimeout(resolve, 15 * 60 * 1000));
  }
}

/** Whether this function's call of that kind is to be lost (`drop-start`, `drop-answer`). */
export function dropsCall(fault: 'drop-start' | 'drop-answer'): boolean {
  const fn = process.env.AWS_LAMBDA_FUNCTION_NAME;
  return planned().some((p) => p.operation === fn && p.fault === fault && Math.random() < p.rate);
}
