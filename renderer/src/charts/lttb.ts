/**
 * Largest-Triangle-Three-Buckets downsampling (Steinarsson 2013, "Downsampling Time Series for
 * Visual Representation", ch. 4.2): keeps the first and last points and, from each of
 * `threshold - 2` equal buckets, the point that forms the largest triangle with the point kept
 * before it and the average of the next bucket. Peaks and dips survive, unlike every-nth or
 * averaging. Points are [x, y] with x increasing; null y values (gaps) are never chosen.
 */
export type XY = [number, number | null];

export function lttb(data: readonly XY[], threshold: number): XY[] {
  const n = data.length;
  if (threshold >= n || threshold < 3) return data.slice();
  const out: XY[] = [];
  const bucketSize = (n - 2) / (threshold - 2);
  let a = 0; // index of the last point kept
  out.push(data[0] as XY);
  for (let i = 0; i < threshold - 2; i++) {
    // Average of the next bucket (the third triangle vertex).
    const nextStart = Math.floor((i + 1) * bucketSize) + 1;
    const nextEnd = Math.min(n, Math.floor((i + 2) * bucketSize) + 1);
    let avgX = 0;
    let avgY = 0;
    let count = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      const p = data[j] as XY;
      if (p[1] === null) continue;
      avgX += p[0];
      avgY += p[1];
      count++;
    }
    if (count > 0) {
      avgX /= count;
      avgY /= count;
    } else {
      const last = data[n - 1] as XY;
      avgX = last[0];
      avgY = last[1] ?? 0;
    }
    // The point of this bucket with the largest triangle.
    const start = Math.floor(i * bucketSize) + 1;
    const end = Math.floor((i + 1) * bucketSize) + 1;
    const pa = data[a] as XY;
    const ay = pa[1] ?? 0;
    let best = -1;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const p = data[j] as XY;
      if (p[1] === null) continue;
      const area = Math.abs((pa[0] - avgX) * (p[1] - ay) - (pa[0] - p[0]) * (avgY - ay));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    if (best >= 0) {
      out.push(data[best] as XY);
      a = best;
    } else if (end > start) {
      out.push([(data[start] as XY)[0], null]); // an all-gap bucket stays a gap in the line
    }
  }
  out.push(data[n - 1] as XY);
  return out;
}
