/**
 * Options of every middy stack. No early timeout: middy would answer a timeout itself a moment
 * before Lambda's limit, but the handler would run on and could still commit after its caller
 * was told it failed (in Lambda, even after the environment thaws for a later request). Lambda
 * ending the invocation at its limit is the only end an invocation has.
 */
export const NO_EARLY_TIMEOUT = { timeoutEarlyInMillis: 0 } as const;
