import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { CHARGED_MS_PER_REQUEST, EmulatorWaits } from '../../local/lambda/emulator-waits';

/**
 * The twin's rule for waits on DynamoDB Local (local/lambda/emulator-waits.ts): each request is
 * charged up to 25 ms, as DynamoDB in AWS would take; the rest of the waiting is excused.
 */
describe('the waits on DynamoDB Local that the twin excuses', () => {
  let nowMs = 0;
  const clock = () => BigInt(nowMs * 1000);
  const at = (ms: number) => {
    nowMs = ms;
  };

  it('excuses what each request waited beyond the charge, across threads sharing the buffer', () => {
    at(0);
    const twin = new EmulatorWaits(undefined, clock);
    const environment = new EmulatorWaits(twin.buffer, clock);
    const before = twin.reading();
    for (const start of [0, 1_000]) {
      at(start);
      environment.started();
      at(start + 400);
      environment.ended();
    }
    assert.equal(CHARGED_MS_PER_REQUEST, 25);
    assert.equal(twin.excusedMsSince(before), 2 * (400 - 25));
  });

  it('counts a request still in flight', () => {
    at(0);
    const waits = new EmulatorWaits(undefined, clock);
    const before = waits.reading();
    waits.started();
    at(300);
    assert.equal(waits.excusedMsSince(before), 275);
  });

  it('measures parallel requests once (their union) yet charges each: never more excused than waited', () => {
    at(0);
    const waits = new EmulatorWaits(undefined, clock);
    const before = waits.reading();
    for (let n = 0; n < 4; n++) waits.started();
    at(100);
    for (let n = 0; n < 4; n++) waits.ended();
    assert.equal(waits.excusedMsSince(before), 0, '100 ms waited, 4 × 25 ms charged');
    waits.started();
    waits.started();
    at(700);
    waits.ended();
    at(1_000);
    waits.ended();
    assert.equal(waits.excusedMsSince(before), 100 + 900 - 6 * 25);
  });

  it('excuses nothing of requests as fast as DynamoDB', () => {
    at(0);
    const waits = new EmulatorWaits(undefined, clock);
    const before = waits.reading();
    for (let n = 0; n < 10; n++) {
      waits.started();
      at(nowMs + 8);
      waits.ended();
    }
    assert.equal(waits.excusedMsSince(before), 0);
  });
});
