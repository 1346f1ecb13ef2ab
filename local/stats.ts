import type { InvocationRecord } from './lambda/runtime';

/** What the twin counts while it serves: invocations, cold starts and DynamoDB requests per function. */
export class TwinStats {
  private readonly invocations = new Map<string, number>();
  private readonly coldStarts = new Map<string, number[]>();
  private readonly requests = new Map<string, Map<string, number>>();

  invocation(record: Pick<InvocationRecord, 'functionName' | 'coldStart' | 'initMs'>): void {
    const name = record.functionName;
    this.invocations.set(name, (this.invocations.get(name) ?? 0) + 1);
    if (record.coldStart)
      this.coldStarts.set(name, [...(this.coldStarts.get(name) ?? []), record.initMs ?? 0]);
  }

  record(functionName: string, command: string): void {
    let byCommand = this.requests.get(functionName);
    if (!byCommand) {
      byCommand = new Map();
      this.requests.set(functionName, byCommand);
    }
    byCommand.set(command, (byCommand.get(command) ?? 0) + 1);
  }

  snapshot() {
    const names = new Set([...this.invocations.keys(), ...this.requests.keys()]);
    return [...names].sort().map((fn) => {
      const invocations = this.invocations.get(fn) ?? 0;
      const byCommand = Object.fromEntries(this.requests.get(fn) ?? []);
      const total = Object.values(byCommand).reduce((a, b) => a + b, 0);
      return {
        function: fn,
        invocations,
        coldStarts: this.coldStarts.get(fn)?.length ?? 0,
        dynamoRequests: total,
        perInvocation: invocations ? total / invocations : 0,
        byCommand,
      };
    });
  }

  /** Every cold start's init time, in milliseconds. */
  coldStartTimes(): number[] {
    return [...this.coldStarts.values()].flat();
  }

  reset(): void {
    this.invocations.clear();
    this.coldStarts.clear();
    this.requests.clear();
  }
}
