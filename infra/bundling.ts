/**
 * How every Lambda bundle is built, declared once. The stack turns it into `NodejsFunction`
 * bundling props and `scripts/bundle-report.ts` into an esbuild build, so the report measures
 * exactly what is deployed.
 */
import { fileURLToPath } from 'node:url';
import {
  type BundlingOptions,
  type ICommandHooks,
  LogLevel,
  OutputFormat,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/** The repository root: manifest entries are relative to it, and esbuild runs from it. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Some CommonJS dependencies call `require` for Node built-ins; an ESM bundle has no
 * `require`, so one is made from the module's own URL. The import is aliased so it cannot
 * clash with an import of the bundled code.
 */
const REQUIRE_SHIM =
  "import{createRequire as __orderlyCreateRequire}from'node:module';const require=__orderlyCreateRequire(import.meta.url);";

export const LAMBDA_BUNDLE = {
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  /** Off: a map would ship with every bundle, and `--enable-source-maps` makes every error stack slower. */
  sourcemap: false,
  /** ESM entry points of the AWS SDK v3 and friends, so esbuild can tree-shake them. */
  mainFields: ['module', 'main'],
  banner: REQUIRE_SHIM,
  /**
   * Nothing is external: the AWS SDK v3 is bundled (and tree-shaken) rather than taken from
   * the runtime, so the deployed code runs the SDK version the tests ran.
   */
  external: [] as string[],
  /** Only problems; sizes are what `scripts/bundle-report.ts` is for. */
  logLevel: 'warning',
  /** What NodejsFunction names an ESM bundle; the handler is `index.handler`. */
  outputFile: 'index.mjs',
} as const;

/** Props for `NodejsFunction`: always the local esbuild, never Docker. */
export function lambdaBundling(
  afterBundling?: (inputDir: string, outputDir: string) => string[],
): BundlingOptions {
  const commandHooks: ICommandHooks | undefined = afterBundling && {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling,
  };
  return {
    forceDockerBundling: false,
    format: OutputFormat.ESM,
    target: LAMBDA_BUNDLE.target,
    minify: LAMBDA_BUNDLE.minify,
    sourceMap: LAMBDA_BUNDLE.sourcemap,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    banner: LAMBDA_BUNDLE.banner,
    externalModules: [...LAMBDA_BUNDLE.external],
    logLevel: LogLevel.WARNING,
    ...(commandHooks ? { commandHooks } : {}),
  };
}

/** The same build for esbuild's JS API (what NodejsFunction passes to the esbuild CLI). */
export function esbuildOptions(outfile: string): BuildOptions {
  return {
    absWorkingDir: REPO_ROOT,
    bundle: true,
    platform: LAMBDA_BUNDLE.platform,
    format: LAMBDA_BUNDLE.format,
    target: LAMBDA_BUNDLE.target,
    minify: LAMBDA_BUNDLE.minify,
    sourcemap: LAMBDA_BUNDLE.sourcemap,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    banner: { js: LAMBDA_BUNDLE.banner },
    external: [...LAMBDA_BUNDLE.external],
    outfile,
    logLevel: LAMBDA_BUNDLE.logLevel,
  };
}
