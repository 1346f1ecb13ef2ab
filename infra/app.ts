/**
 * Entry point of the CDK CLI (`cdk.json` runs `node --import ./local/ts-hooks.mjs infra/app.ts`). The CLI's context and
 * output directory reach the App through the environment; the App synthesizes on exit.
 */
import { createOrderlyApp } from './orderly-app';

createOrderlyApp();
