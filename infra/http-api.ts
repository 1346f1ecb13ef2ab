import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpAuthorizer,
  HttpAuthorizerType,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  type HttpStage,
  type IHttpApi,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPoolClient, UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HttpFunction } from '../functions/manifest';
import { isPublic } from '../functions/shared/http/operation';

export interface ApiProps {
  userPool: UserPool;
  client: UserPoolClient;
  /** Machine clients (OAuth 2.0 client credentials): their access tokens name them in `client_id`. */
  machineClients?: readonly IUserPoolClient[];
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
 * The HTTP API, its `$default` stage and the Cognito JWT authorizer. Its routes are not here: each
 * is built next to its function, in that function's nested stack (`ApiRoutes`), by the same rule —
 * every route goes through the JWT authorizer except the operations the manifest marks public,
 * which say so explicitly. CORS stays off: the API is called by programs and by its own
 * documentation page, which is served from the same origin.
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly authorizer: HttpAuthorizer;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    // No default authorizer: no route is added here, and ApiRoutes names each route's authorizer.
    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: 'orderly',
      description: 'Orderly CRM API',
      createDefaultStage: false,
    });
    // What HttpUserPoolAuthorizer would create on its first route, written out (same construct path,
    // so the same resource): routes in nested stacks refer to it by id instead of creating it there.
    this.authorizer = new HttpAuthorizer(this.httpApi, 'CognitoAuthorizer', {
      httpApi: this.httpApi,
      type: HttpAuthorizerType.JWT,
      authorizerName: 'cognito',
      identitySource: ['$request.header.Authorization'],
      // The audience: the people's client (`aud` of ID tokens) and each machine client (access
      // tokens have no `aud`; the authorizer then checks `client_id`).
      jwtAudience: [props.client, ...(props.machineClients ?? [])].map((client) => client.userPoolClientId),
      jwtIssuer: `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${props.userPool.userPoolId}`,
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
  }

  /** The base URL of the `$default` stage. */
  get url(): string {
    return this.stage.url;
  }
}

/**
 * The API as a nested stack sees it: the HTTP API and its JWT authorizer imported by id (CloudFormation
 * passes both ids as parameters of the nested stack), and the routes of that stack's functions.
 */
export class ApiRoutes extends Construct {
  private readonly httpApi: IHttpApi;
  private readonly jwt: IHttpRouteAuthorizer;
  private readonly none = new HttpNoneAuthorizer();

  constructor(scope: Construct, id: string, api: Api) {
    super(scope, id);
    this.httpApi = HttpApi.fromHttpApiAttributes(this, 'HttpApi', { httpApiId: api.httpApi.apiId });
    this.jwt = HttpAuthorizer.fromHttpAuthorizerAttributes(this, 'CognitoAuthorizer', {
      authorizerId: api.authorizer.authorizerId,
      authorizerType: HttpAuthorizerType.JWT,
    });
  }

  /**
   * The route of a manifest HTTP function, with the method and path of its operation, integrated
   * with its function (and the permission for API Gateway to invoke it on this route only), under
   * `scope`. The authorizer is always named: the JWT one, or none for a public operation.
   */
  add(scope: Construct, spec: HttpFunction, fn: IFunction): HttpRoute {
    const { operation } = spec;
    const open = isPublic(operation);
    const route = new HttpRoute(scope, 'Route', {
      httpApi: this.httpApi,
      routeKey: HttpRouteKey.with(operation.path, HttpMethod[operation.method]),
      integration: new HttpLambdaIntegration('Integration', fn, {
        payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      }),
      authorizer: open ? this.none : this.jwt,
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
    return route;
  }
}
