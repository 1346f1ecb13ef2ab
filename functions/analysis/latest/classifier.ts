import { httpHandler } from '../../shared/http/handler';
import { json } from '../../shared/http/response';
import { RESULT } from '../runs/keys';
import { getLatestClassifier } from './operations';
import { readLatestResult } from './read-latest';
import { CLASSIFIER_SHOWN, classifierView } from './views';

// The model bytes (up to 300 KB) stay in the table: billed by the read, but not carried.
export const handler = httpHandler(getLatestClassifier, async ({ principal }) =>
  json(
    200,
    classifierView(
      await readLatestResult(principal.tenantId, 'classifier', RESULT.classifier, CLASSIFIER_SHOWN),
    ),
  ),
);
