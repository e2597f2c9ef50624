import { useMemo, useState } from 'react';
import type { SessionReport } from '../../../core/api/types.js';
import { EmptyState } from '../components/EmptyState.js';
import { fmtInt, fmtMs, fmtPct } from '../components/format.js';
import { flameHue, layoutFlame, nodeAt } from './flame-layout.js';

type CallTreeNode = SessionReport['call_tree'][number];

const ROW_HEIGHT_PX = 22;
/** Frames narrower than this get no label (it would be unreadable). */
const MIN_LABEL_SHARE = 0.03;

/**
 * The call tree as an icicle/flame graph in plain DOM (root on top, width = total time).
 * Click a frame to zoom into it; the breadcrumb zooms back out. Frames are buttons with a
 * full-text title, so the graph is usable from the keyboard and by screen readers.
 */
export function FlameGraph({ roots }: { roots: readonly CallTreeNode[] }) {
  const [zoom, setZoom] = useState<string | null>(null);
  const zoomed = zoom ? nodeAt(roots, zoom) : null;
  const shown = useMemo(() => (zoomed ? [zoomed] : roots), [zoomed, roots]);
  const { rects, depth, totalMs } = useMemo(() => layoutFlame(shown), [shown]);
  const prefix = zoom && zoomed ? zoom.split(';').slice(0, -1) : [];

  if (roots.length === 0 || totalMs <= 0) return <EmptyState title="No call tree recorded">The target reported no nested function spans.</EmptyState>;
  return (
    <div className="flame" data-testid="flame-graph">
      <div className="flame-crumbs">
        <button type="button" className="btn btn-small" onClick={() => setZoom(null)} disabled={!zoom}>
          All
        </button>
        {zoom?.split(';').map((name, i, all) => (
          <button key={`${i}-${name}`} type="button" className="btn btn-small btn-ghost" onClick={() => setZoom(all.slice(0, i + 1).join(';'))} disabled={i === all.length - 1}>
            › {name}
          </button>
        ))}
      </div>
      <div className="flame-canvas" style={{ height: depth * ROW_HEIGHT_PX }}>
        {rects.map((r) => {
          const fullPath = [...prefix, r.path].join(';');
          const share = r.node.total_ms / totalMs;
          const title = `${r.node.name}\n${fmtMs(r.node.total_ms)} total (${fmtPct(share)}), ${fmtMs(r.node.self_ms)} self, ${fmtInt(r.node.calls)} calls`;
          return (
            <button
              key={fullPath}
              type="button"
              className="flame-frame"
              title={title}
              aria-label={title.replace('\n', ': ')}
              tabIndex={r.depth <= 1 ? 0 : -1}
              onClick={() => setZoom(fullPath)}
              style={{
                left: `${r.x * 100}%`,
                width: `${r.w * 100}%`,
                top: r.depth * ROW_HEIGHT_PX,
                height: ROW_HEIGHT_PX - 1,
                backgroundColor: `hsl(${flameHue(r.node.name)} 78% 62%)`,
              }}
            >
              {r.w >= MIN_LABEL_SHARE ? r.node.name : ''}
            </button>
          );
        })}
      </div>
    </div>
  );
}
