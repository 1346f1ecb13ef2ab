import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  type HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { functionName, httpFunctions } from '../functions/manifest';
import { isPublic } from '../functions/shared/http/operation';

export interface ApiProps {
  functions: ReadonlyMap<string, IFunction>;
  userPool: UserPool;
  client: UserPoolClient;
  /**
   * Steady-state requests per second across the stage, and the burst above it. They cap what
   * a runaway client can cost and keep the API well inside the account-wide API Gateway quota
   * it shares with everything else in the account.
   */
  throttle?: { rateLimit: number; burstLimit: number };
}

/**
 * Access log fields: enough to follow a request (its id is also in the function's logs) and to
 * see who called what and how it ended, without personal data (no IP, no user agent).
 */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTimeEpoch',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    error: '$context.error.message',
    user: '$context.authorizer.claims.sub',
  }),
);

/**
 * The HTTP API: one route per manifest HTTP function, with the method and path of its
 * operation. Every route goes through the Cognito JWT authorizer except the operations the
 * manifest marks public, which say so explicitly. CORS stays off: the API is called by
 * programs and by its own documentation page, which is served from the same origin.
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly routes: ReadonlyMap<string, HttpRoute>;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const jwt = new HttpUserPoolAuthorizer('CognitoAuthorizer', props.userPool, {
      authorizerName: 'cognito',
      userPoolClients: [props.client],
    });

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: 'orderly',
      description: 'Orderly CRM API',
      createDefaultStage: false,
      // A route added without an explicit authorizer is protected, never open.
      defaultAuthorizer: jwt,
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 100, burstLimit: 200 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });

    const none = new HttpNoneAuthorizer();
    const routes = new Map<string, HttpRoute>();
    for (const spec of httpFunctions) {
      const name = functionName(spec);
      const fn = props.functions.get(name);
      if (!fn) throw new Error(`No Lambda function for ${name}`);
      const { operation } = spec;
      const open = isPublic(operation);
      const route = new HttpRoute(this, `Route-${name}`, {
        httpApi: this.httpApi,
        routeKey: HttpRouteKey.with(operation.path, HttpMethod[operation.method]),
        integration: new HttpLambdaIntegration(`Integration-${name}`, fn, {
          payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
        }),
        authorizer: open ? none : jwt,
      });
      if (open) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            `${operation.method} ${operation.path} ("${operation.summary}") is declared public in the manifest ` +
            '(auth: { public: true }): it must answer callers that have no token yet, so it has no authorizer ' +
            'by design. Every other route goes through the Cognito JWT authorizer.',
        });
      }
      routes.set(name, route);
    }
    this.routes = routes;
  }

  /** The base URL of the `$default` stage. */
  get url(): string {
    return this.stage.url;
  }
}
