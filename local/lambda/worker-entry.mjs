/**
 * The entry of a Lambda execution environment of the twin (a worker thread). The hooks that
 * resolve the repository's extensionless TypeScript imports, and serve its stripped text from a
 * cache, must be in place before any of it is linked, so everything else is imported dynamically,
 * after them. Plain JavaScript, like the hooks: a thread that loads no TypeScript itself needs no
 * type stripper (local/ts-hooks.mjs says why that matters).
 */
import '../ts-hooks.mjs';

await import('./in-environment.ts');
