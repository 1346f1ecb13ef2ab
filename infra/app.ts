/**
 * Entry point of the CDK CLI (`cdk.json` runs `node --import ./local/ts-hooks.mjs infra/app.ts`). The CLI's context and
 * output directory reach the App through the environment; the App synthesizes on exit.
 *
 * ORDERLY_SYNTH_BUNDLING=off leaves the functions unbundled (their assets are placeholders). CI
 * uses it: its synth proves the CLI's wiring and the stack's validations, and the suite's infra
 * test (test/infra/stack.test.ts) has already bundled every function exactly as `cdk synth` does,
 * about 90 s of CPU CI need not spend twice. Never for a deploy.
 */
import { createOrderlyApp } from './orderly-app';

createOrderlyApp({}, { bundling: process.env.ORDERLY_SYNTH_BUNDLING !== 'off' });
