import { httpHandler } from '../shared/http/handler';
import { json } from '../shared/http/response';
import { approvalInbox } from './approval-inbox';
import { listApprovals } from './operations';

export const handler = httpHandler(listApprovals, async ({ principal, query }) => {
  return json(200, await approvalInbox(principal, query.limit, query.cursor));
});
