/**
 * Open-model arrival times. Arrivals follow a constant rate, after an optional linear ramp from
 * 0 to that rate over rampUpS. With a linear ramp the cumulative number of arrivals by time t is
 * rate * t^2 / (2 * rampUpS), so arrival i is at sqrt(2 * rampUpS * i / rate); after the ramp,
 * arrivals are 1/rate apart. Pure functions of (i, rate, rampUpS): the schedule is part of the
 * deterministic plan, and latency is measured from these intended times (wrk2's approach to
 * coordinated omission).
 */

/** Intended start of arrival i (0-based), in ms after the run's start. */
export function arrivalOffsetMs(i: number, rate: number, rampUpS: number): number {
  const rampArrivals = (rate * rampUpS) / 2;
  if (i < rampArrivals) return Math.sqrt((2 * rampUpS * i) / rate) * 1000;
  return rampUpS * 1000 + ((i - rampArrivals) * 1000) / rate;
}

/** How many arrivals are scheduled strictly before endMs. */
export function arrivalsBefore(endMs: number, rate: number, rampUpS: number): number {
  const endS = endMs / 1000;
  let n: number;
  if (rampUpS > 0 && endS <= rampUpS) n = Math.ceil((rate * endS * endS) / (2 * rampUpS));
  else n = Math.ceil((rate * rampUpS) / 2 + (endS - rampUpS) * rate);
  // Correct float rounding at the boundary: arrival n must be at or after endMs, n - 1 before it.
  while (n > 0 && arrivalOffsetMs(n - 1, rate, rampUpS) >= endMs) n--;
  while (arrivalOffsetMs(n, rate, rampUpS) < endMs) n++;
  return n;
}
