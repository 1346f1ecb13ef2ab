/** What the twin counts while it serves: invocations and DynamoDB requests per function. */
export class TwinStats {
  private readonly invocations = new Map<string, number>();
  private readonly requests = new Map<string, Map<string, number>>();

  invocation(functionName: string): void {
    this.invocations.set(functionName, (this.invocations.get(functionName) ?? 0) + 1);
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
        dynamoRequests: total,
        perInvocation: invocations ? total / invocations : 0,
        byCommand,
      };
    });
  }

  reset(): void {
    this.invocations.clear();
    this.requests.clear();
  }
}
