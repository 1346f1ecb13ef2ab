/**
 * The entry of a Lambda execution environment of the twin (a worker thread). The hook that
 * resolves the repository's extensionless TypeScript imports must be in place before any of them
 * is linked, so everything else is imported dynamically, after it.
 */
import '../ts-hooks.ts';

await import('./in-environment.ts');
