// The UI's one clock (crates/server/ui/core/clock.js): the server's now, learnt from
// /api/demo-info, drives expiry and default dates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setServerClock, nowMs, serverNow, clockDiffers } from '../../ui/core/clock.js';

test('the server clock is the device clock moved by the offset learnt once', () => {
  const device = Date.parse('2026-12-06T15:00:00Z');
  assert.equal(clockDiffers(), false, 'nothing learnt yet: no difference shown');
  setServerClock({ now: '2023-01-01T07:00:00.000Z', wall_clock: '2026-12-06T15:00:00.000Z' }, device);
  assert.equal(new Date(nowMs(device)).toISOString(), '2023-01-01T07:00:00.000Z');
  // ten minutes later on the device is ten minutes later on the server
  assert.equal(serverNow(device + 600000).toISOString(), '2023-01-01T07:10:00.000Z');
  assert.equal(clockDiffers(), true);
  // an answer without a time changes nothing
  setServerClock({}, device);
  assert.equal(serverNow(device).toISOString(), '2023-01-01T07:00:00.000Z');
  // a server on the wall clock
  setServerClock({ now: '2026-12-06T15:00:01.000Z' }, device);
  assert.equal(clockDiffers(), false);
});
