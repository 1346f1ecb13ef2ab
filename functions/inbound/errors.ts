import { HttpError } from '../shared/http/errors';
import type { VerifyFailure } from '../shared/signing/standard-webhooks';

const DETAILS: Record<VerifyFailure, string> = {
  'missing-headers': 'Sign the message: webhook-id, webhook-timestamp and webhook-signature are required.',
  'bad-timestamp': 'webhook-timestamp must be the Unix time in seconds.',
  'stale-timestamp': 'webhook-timestamp is more than five minutes from our clock: sign each attempt afresh.',
  'bad-signature': 'No signature matches a secret of this source.',
};

/**
 * A message that does not verify (Standard Webhooks). An unknown source answers exactly as a wrong
 * signature does, so the endpoint tells nobody which source ids exist.
 */
export class InvalidSignatureError extends HttpError {
  constructor(reason: VerifyFailure) {
    super(401, 'invalid-signature', 'The webhook signature does not verify', DETAILS[reason]);
  }
}
