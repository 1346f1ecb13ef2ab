/**
 * The reports as an analyst would compute them in a notebook from the needs and orders themselves:
 * filter, cut dates in the tenant's zone, group, sum. Written apart from functions/aggregates (no
 * import from there) so that a test comparing the two compares two computations, not one.
 */
type Item = Record<string, any>;
export type Period = 'day' | 'week' | 'month' | 'all';

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` of an instant on the wall calendar of `zone` (en-CA writes dates that way). */
export function calendarDay(iso: string, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(iso));
}

/** ISO 8601 week: move to the Thursday of the date's week; its year is the week's year. */
export function weekOf(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  const weekday = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const january1 = new Date(Date.UTC(date.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((date.getTime() - january1.getTime()) / 86_400_000 + 1) / 7);
  return `${date.getUTCFullYear()}-W${pad(week)}`;
}

export function periodOf(iso: string, period: Period, zone: string): string {
  if (period === 'all') return 'all';
  const day = calendarDay(iso, zone);
  return period === 'day' ? day : period === 'week' ? weekOf(day) : day.slice(0, 7);
}

type Money = { amountMinor: number; currency: string };
const moneyList = (sums: Map<string, number>): Money[] =>
  [...sums]
    .filter(([, amount]) => amount !== 0)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, amountMinor]) => ({ amountMinor, currency }));

interface Cell {
  period: string;
  group: string;
  count: number;
  units: number;
  money: Map<string, number>;
  [extra: string]: unknown;
}

/** A table of cells by period and group, listed by period then group, as the API lists rows. */
class Table {
  readonly cells = new Map<string, Cell>();
  cell(period: string, group: string): Cell {
    const key = `${period}#${group}`;
    let cell = this.cells.get(key);
    if (!cell) {
      cell = { period, group, count: 0, units: 0, money: new Map() };
      this.cells.set(key, cell);
    }
    return cell;
  }
  sorted(): Cell[] {
    return [...this.cells.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
  }
}

const addMoney = (cell: Cell, currency: string, amount: number) =>
  cell.money.set(currency, (cell.money.get(currency) ?? 0) + amount);

const withGroup = (cell: Cell, groupBy: string) => ({
  period: cell.period,
  ...(groupBy === 'none' ? {} : { group: cell.group }),
});

export function needsSummary(needs: Item[], groupBy: string, period: Period, zone: string) {
  const table = new Table();
  for (const need of needs) {
    const group =
      groupBy === 'none' ? '-' : groupBy === 'type' ? (need.type ?? 'untyped') : String(need[groupBy]);
    const cell = table.cell(periodOf(need.receivedAt, period, zone), group);
    cell.count++;
    if (need.estimatedValue) addMoney(cell, need.estimatedValue.currency, need.estimatedValue.amountMinor);
  }
  return table.sorted().map((cell) => ({
    ...withGroup(cell, groupBy),
    needs: cell.count,
    estimatedValue: moneyList(cell.money),
  }));
}

const REVENUE = ['APPROVED', 'STOCK_RESERVED', 'IN_FULFILMENT', 'SHIPPED', 'DELIVERED', 'CLOSED'];
const OPEN = [
  'SUBMITTED',
  'PENDING_APPROVAL',
  'APPROVED',
  'STOCK_RESERVED',
  'IN_FULFILMENT',
  'SHIPPED',
  'DELIVERED',
];

export function revenueReport(orders: Item[], groupBy: string, period: Period, zone: string) {
  const table = new Table();
  for (const order of orders.filter((o) => REVENUE.includes(o.status))) {
    const at = periodOf(order.createdAt, period, zone);
    if (groupBy === 'product' || groupBy === 'category') {
      const field = groupBy === 'product' ? 'sku' : 'category';
      const seen = new Set<string>();
      for (const line of order.lines) {
        const cell = table.cell(at, line[field]);
        if (!seen.has(line[field])) cell.count++;
        seen.add(line[field]);
        cell.units += line.quantity;
        addMoney(cell, order.currency, line.lineTotalMinor);
      }
      continue;
    }
    const group =
      groupBy === 'none'
        ? '-'
        : groupBy === 'customer'
          ? order.customerId
          : (order.customerCountry ?? 'unknown');
    const cell = table.cell(at, group);
    cell.count++;
    for (const line of order.lines) {
      cell.units += line.quantity;
      addMoney(cell, order.currency, line.lineTotalMinor);
    }
  }
  return table.sorted().map((cell) => ({
    ...withGroup(cell, groupBy),
    orders: cell.count,
    units: cell.units,
    revenue: moneyList(cell.money),
  }));
}

export function pipelineReport(orders: Item[], groupBy: string, period: Period, zone: string) {
  const table = new Table();
  for (const order of orders.filter((o) => OPEN.includes(o.status))) {
    const cell = table.cell(periodOf(order.createdAt, period, zone), groupBy === 'none' ? '-' : order.status);
    cell.count++;
    addMoney(cell, order.currency, order.totals.totalMinor);
  }
  return table.sorted().map((cell) => ({
    ...withGroup(cell, groupBy),
    orders: cell.count,
    value: moneyList(cell.money),
  }));
}

export function fulfilmentReport(orders: Item[], groupBy: string, period: Period, zone: string) {
  const table = new Table();
  for (const order of orders.filter((o) => o.status === 'CLOSED' && o.evaluation)) {
    const group =
      groupBy === 'none'
        ? '-'
        : groupBy === 'customer'
          ? order.customerId
          : (order.customerCountry ?? 'unknown');
    const cell = table.cell(periodOf(order.evaluation.closedAt, period, zone), group) as Cell &
      Record<string, number>;
    cell.count++;
    const stages = order.evaluation.stageSeconds;
    if ('SUBMITTED' in stages || 'PENDING_APPROVAL' in stages) {
      cell.approvals = (cell.approvals ?? 0) + 1;
      cell.approvalMs =
        (cell.approvalMs ?? 0) +
        Math.round(((stages.SUBMITTED ?? 0) + (stages.PENDING_APPROVAL ?? 0)) * 1000);
    }
    cell.leads = (cell.leads ?? 0) + 1;
    cell.leadMs = (cell.leadMs ?? 0) + Math.round(order.evaluation.cycleSeconds * 1000);
    if (order.evaluation.onTime !== null) {
      cell.promised = (cell.promised ?? 0) + 1;
      cell.onTime = (cell.onTime ?? 0) + (order.evaluation.onTime ? 1 : 0);
    }
    if (order.feedback)
      cell[`stars${order.feedback.rating}`] = (cell[`stars${order.feedback.rating}`] ?? 0) + 1;
  }
  const average = (total: number, n: number) => (n === 0 ? null : total / n);
  return table.sorted().map((c) => {
    const cell = c as Cell & Record<string, number | undefined>;
    const distribution = {
      1: cell.stars1 ?? 0,
      2: cell.stars2 ?? 0,
      3: cell.stars3 ?? 0,
      4: cell.stars4 ?? 0,
      5: cell.stars5 ?? 0,
    };
    const rated = distribution[1] + distribution[2] + distribution[3] + distribution[4] + distribution[5];
    const stars =
      distribution[1] + 2 * distribution[2] + 3 * distribution[3] + 4 * distribution[4] + 5 * distribution[5];
    return {
      ...withGroup(cell, groupBy),
      closed: cell.count,
      approval: {
        orders: cell.approvals ?? 0,
        totalSeconds: (cell.approvalMs ?? 0) / 1000,
        averageSeconds: average((cell.approvalMs ?? 0) / 1000, cell.approvals ?? 0),
      },
      leadTime: {
        orders: cell.leads ?? 0,
        totalSeconds: (cell.leadMs ?? 0) / 1000,
        averageSeconds: average((cell.leadMs ?? 0) / 1000, cell.leads ?? 0),
      },
      onTime: {
        promised: cell.promised ?? 0,
        onTime: cell.onTime ?? 0,
        rate: average(cell.onTime ?? 0, cell.promised ?? 0),
      },
      ratings: { count: rated, average: average(stars, rated), distribution },
    };
  });
}
