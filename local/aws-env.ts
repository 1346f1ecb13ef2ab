/**
 * What the handlers need to find DynamoDB Local through the SDK's own configuration, the way
 * they find DynamoDB in AWS. The credentials are placeholders: DynamoDB Local accepts any.
 */
export function localAwsEnv(dynamoDbEndpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_DYNAMODB: dynamoDbEndpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    // Powertools reads these to name the service and function in its logs.
    POWERTOOLS_SERVICE_NAME: 'orderly',
  };
}
