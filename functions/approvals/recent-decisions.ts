/** The orders store's read of recent decisions, kept behind one import so simulation depends on nothing else of orders. */
export { listRecentOrderDecisions } from '../orders/store';
