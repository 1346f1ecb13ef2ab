import { inject } from 'vitest';
import { localAwsEnv } from '../../local/aws-env';

/**
 * Every test file finds DynamoDB Local the way the handlers do, through the SDK's environment.
 * Handlers log at WARN and above unless a run asks for more (POWERTOOLS_LOG_LEVEL).
 */
Object.assign(process.env, localAwsEnv(inject('dynamoDbEndpoint')));
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
