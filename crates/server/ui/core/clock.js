// One clock for the whole UI: the server's "now" (the demo clock under `vigil demo`,
// the wall clock otherwise), as GET /api/demo-info gives it. The UI reckons alert
// expiry, default dates and response times on it, never on the device's clock alone.
// The server's clock runs at the wall clock's pace, so an offset learnt once holds.

let offsetMs = 0;
let known = false;

/**
 * Learn the server's clock from `{now, wall_clock}` (ISO times); `deviceNow` (ms)
 * is the device's time when the answer arrived (for tests).
 */
export function setServerClock(info, deviceNow) {
  if (!info || !info.now) return;
  const server = Date.parse(info.now);
  if (!isFinite(server)) return;
  offsetMs = server - (deviceNow === undefined ? Date.now() : deviceNow);
  known = true;
}

/** The server's now, in ms since the epoch. */
export function nowMs(deviceNow) {
  return (deviceNow === undefined ? Date.now() : deviceNow) + offsetMs;
}

/** The server's now as a Date. */
export function serverNow(deviceNow) {
  return new Date(nowMs(deviceNow));
}

/**
 * Whether the server's clock is not the device's: more than an hour apart (a demo
 * clock, or a badly set device). Then the UI shows the server's date.
 */
export function clockDiffers() {
  return known && Math.abs(offsetMs) > 3600 * 1000;
}
