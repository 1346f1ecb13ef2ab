import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import {
  DEFAULT_DELAY_SECONDS,
  fulfilmentRequestOf,
  MAX_REPORT_ATTEMPTS,
  outcomeOf,
  reportOf,
  retryDelaySeconds,
  simulatorSettings,
  trackingNumberOf,
} from '../../local/partner-simulator/reports';

const ORDER = '01JABCDEFGHJKMNPQRSTVWXYZ0';

describe('the partner simulator’s reports', () => {
  it('acts on order.fulfilment_requested payloads only, taking the order, its number and partner', () => {
    const payload = (type: string, data: unknown) => ({
      id: `${ORDER}.000004`,
      type,
      timestamp: '2026-03-01T10:00:00.000Z',
      subject: `orders/${ORDER}`,
      data,
    });
    assert.deepEqual(
      fulfilmentRequestOf(
        payload('order.fulfilment_requested', {
          orderId: ORDER,
          number: 'SO-2026-000001',
          partnerId: 'in-house',
        }),
      ),
      { orderId: ORDER, number: 'SO-2026-000001', partnerId: 'in-house' },
    );
    assert.deepEqual(fulfilmentRequestOf(payload('order.fulfilment_requested', { orderId: ORDER })), {
      orderId: ORDER,
    });
    for (const ignored of [
      payload('order.shipped', { orderId: ORDER }),
      payload('order.fulfilment_requested', { orderId: '' }),
      payload('order.fulfilment_requested', { orderId: 42 }),
      payload('order.fulfilment_requested', ['not', 'an', 'object']),
      payload('order.fulfilment_requested', null),
      null,
      'order.fulfilment_requested',
      [],
    ])
      assert.equal(fulfilmentRequestOf(ignored), undefined, JSON.stringify(ignored));
  });

  it('reports shipped with a carrier and tracking number, delivered with the order only', () => {
    const at = new Date('2026-03-01T10:00:05.123Z');
    const shipped = reportOf('fulfilment.shipped', ORDER, at);
    assert.equal(shipped.type, 'fulfilment.shipped');
    assert.deepEqual(JSON.parse(shipped.body), {
      type: 'fulfilment.shipped',
      timestamp: '2026-03-01T10:00:05.123Z',
      data: { orderId: ORDER, carrier: 'Simulated Parcel Co', trackingNumber: `SIM${ORDER.slice(-10)}` },
    });
    const delivered = reportOf('fulfilment.delivered', ORDER, at);
    assert.deepEqual(JSON.parse(delivered.body), {
      type: 'fulfilment.delivered',
      timestamp: '2026-03-01T10:00:05.123Z',
      data: { orderId: ORDER },
    });
    assert.equal(trackingNumberOf(ORDER), 'SIMQRSTVWXYZ0');
  });

  it('names each report by order, step and time: the same report keeps its id, another step or a later one gets a new id', () => {
    const at = new Date('2026-03-01T10:00:05.000Z');
    const first = reportOf('fulfilment.shipped', ORDER, at);
    assert.deepEqual(reportOf('fulfilment.shipped', ORDER, at), first, 'a retry repeats id and body');
    const ids = [
      first.webhookId,
      reportOf('fulfilment.delivered', ORDER, at).webhookId,
      reportOf('fulfilment.shipped', ORDER, new Date(at.getTime() + 1)).webhookId,
      reportOf('fulfilment.shipped', '01JABCDEFGHJKMNPQRSTVWXYZ1', at).webhookId,
    ];
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^[A-Za-z0-9_]{1,100}$/, 'a plain token a receiver can key on');
  });

  it('is done on 2xx and 409, retries on no answer, 408, 425, 429 and 5xx, and gives up on other 4xx', () => {
    const table: [number | undefined, string][] = [
      [200, 'done'],
      [201, 'done'],
      [204, 'done'],
      [409, 'done'],
      [undefined, 'retry'],
      [408, 'retry'],
      [425, 'retry'],
      [429, 'retry'],
      [500, 'retry'],
      [502, 'retry'],
      [503, 'retry'],
      [400, 'give-up'],
      [401, 'give-up'],
      [404, 'give-up'],
      [422, 'give-up'],
      [301, 'give-up'],
    ];
    for (const [status, expected] of table) assert.equal(outcomeOf(status), expected, String(status));
  });

  it('backs off 1, 2, 4, 8, 16 s, then every 30 s, for about a quarter of an hour', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 20].map(retryDelaySeconds), [1, 2, 4, 8, 16, 30, 30, 30]);
    const total = Array.from({ length: MAX_REPORT_ATTEMPTS - 1 }, (_, i) => retryDelaySeconds(i + 1)).reduce(
      (a, b) => a + b,
    );
    assert.ok(total >= 10 * 60 && total <= 20 * 60, `${total} s`);
  });

  it('is on by default with a 5 s delay; ORDERLY_SIMULATOR=off turns it off; the delay is configurable', () => {
    assert.deepEqual(simulatorSettings({}), { enabled: true, delaySeconds: DEFAULT_DELAY_SECONDS });
    assert.equal(DEFAULT_DELAY_SECONDS, 5);
    for (const off of ['off', 'OFF', 'false', '0', ' off '])
      assert.equal(simulatorSettings({ ORDERLY_SIMULATOR: off }).enabled, false, off);
    for (const on of ['on', 'true', '1', ''])
      assert.equal(simulatorSettings({ ORDERLY_SIMULATOR: on }).enabled, true, on);
    assert.equal(simulatorSettings({ ORDERLY_SIMULATOR_DELAY_SECONDS: '0.25' }).delaySeconds, 0.25);
    assert.equal(simulatorSettings({ ORDERLY_SIMULATOR_DELAY_SECONDS: '0' }).delaySeconds, 0);
    assert.equal(simulatorSettings({ ORDERLY_SIMULATOR_DELAY_SECONDS: ' ' }).delaySeconds, 5);
  });

  it('refuses settings it cannot read, naming the variable', () => {
    assert.throws(
      () => simulatorSettings({ ORDERLY_SIMULATOR: 'maybe' }),
      /ORDERLY_SIMULATOR must be on or off/,
    );
    for (const delay of ['soon', '-1', '86401', 'Infinity', '1e9'])
      assert.throws(
        () => simulatorSettings({ ORDERLY_SIMULATOR_DELAY_SECONDS: delay }),
        /ORDERLY_SIMULATOR_DELAY_SECONDS must be a number of seconds/,
        delay,
      );
  });
});
