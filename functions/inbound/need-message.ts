import type { NeedCreate } from '../needs/schemas';
import type { Principal } from '../shared/auth/principal';
import { ValidationError } from '../shared/http/errors';
import type { NeedMessage } from './schemas';
import type { SourceLookup } from './store';

/** A needs source acts as an integration allowed to write needs, and nothing else, in its tenant. */
export function sourcePrincipal(source: SourceLookup): Principal {
  return {
    tenantId: source.tenantId,
    userId: `source:${source.sourceId}`,
    roles: ['integration'],
    scopes: ['needs:write'],
  };
}

/** The need the message carries, its channel the source's when the message names none. */
export function needFromMessage(source: SourceLookup, message: NeedMessage): NeedCreate {
  const channel = message.data.channel ?? source.channel;
  if (channel === undefined)
    throw new ValidationError([
      { field: 'body.data.channel', message: 'required: this source has no channel of its own' },
    ]);
  return { ...message.data, channel };
}
