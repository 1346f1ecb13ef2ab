import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { eachRecord, streamHandler } from '../../shared/stream/handler';
import { registerTenant } from './register-tenant';

/**
 * RegisterAnalysisTenants — the first need or order of a tenant (the manifest's filter: an INSERT
 * of a NEED or an ORDER) gives it its analysis schedule, so the due job finds it without a Scan.
 * Every later record of a tenant this container knows costs nothing.
 */
export const handler = streamHandler(
  'registerAnalysisTenants',
  eachRecord(async (record) => {
    const image = unmarshall((record.dynamodb?.NewImage ?? {}) as Record<string, AttributeValue>);
    await registerTenant(String(image.tenantId), new Date());
  }),
);
