import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

/**
 * A windowed table: only the rows in view (plus a margin) are in the DOM, so a 50,000-row
 * fingerprint table costs what a 30-row one does. Rows have a fixed height (cells do not wrap;
 * long text is clipped with its full value in a title). Keyboard: the body is one focusable
 * grid (aria-activedescendant); arrows/PageUp/PageDown/Home/End move, Space selects, Enter opens.
 */

export interface Column<T> {
  key: string;
  header: string;
  render: (row: T) => ReactNode;
  /** Enables sorting by this column. */
  sortValue?: (row: T) => number | string | null;
  align?: 'left' | 'right' | 'center';
  /** CSS width (table-layout is fixed); columns without one share the rest. */
  width?: string;
  /** Full text shown on hover when the cell is clipped. */
  title?: (row: T) => string;
}

export interface DataTableProps<T> {
  columns: Array<Column<T>>;
  rows: T[];
  /** Unique per row; `index` is the row's position in `rows` (for rows without a natural key). */
  rowKey: (row: T, index: number) => string;
  label: string;
  rowHeightPx?: number;
  maxHeightPx?: number;
  selection?: { selected: ReadonlySet<string>; onToggle: (key: string) => void; rowLabel: (row: T) => string };
  onActivate?: (row: T) => void;
  rowClassName?: (row: T) => string | undefined;
  initialSort?: { key: string; dir: 'asc' | 'desc' };
  empty?: ReactNode;
  testId?: string;
}

const DEFAULT_ROW_HEIGHT_PX = 30;
const DEFAULT_MAX_HEIGHT_PX = 480;
/** Rows rendered beyond each edge of the viewport, so fast scrolling does not flash blank rows. */
const OVERSCAN_ROWS = 8;
const HEADER_HEIGHT_PX = 32;

type SortState = { key: string; dir: 'asc' | 'desc' } | null;

function compareValues(a: number | string | null, b: number | string | null): number {
  if (a === b) return 0;
  if (a === null) return 1; // empty values last in either direction
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

export function DataTable<T>(props: DataTableProps<T>) {
  const { columns, rows, rowKey, label, selection, onActivate, rowClassName, empty, testId } = props;
  const rowHeight = props.rowHeightPx ?? DEFAULT_ROW_HEIGHT_PX;
  const maxHeight = props.maxHeightPx ?? DEFAULT_MAX_HEIGHT_PX;
  const [sort, setSort] = useState<SortState>(props.initialSort ?? null);
  const [scrollTop, setScrollTop] = useState(0);
  const [active, setActive] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const frame = useRef<number | null>(null);
  const baseId = useId();

  const sorted = useMemo(() => {
    const indexed = rows.map((row, i) => ({ row, i }));
    if (!sort) return indexed;
    const col = columns.find((c) => c.key === sort.key);
    if (!col?.sortValue) return indexed;
    const get = col.sortValue;
    const keyed = indexed.map((x) => ({ x, v: get(x.row) }));
    keyed.sort((a, b) => {
      const c = compareValues(a.v, b.v);
      if (a.v === null || b.v === null) return c;
      return sort.dir === 'asc' ? c : -c;
    });
    return keyed.map((k) => k.x);
  }, [rows, columns, sort]);

  useEffect(() => {
    if (active >= sorted.length) setActive(Math.max(0, sorted.length - 1));
  }, [sorted.length, active]);

  const bodyHeight = sorted.length * rowHeight;
  const viewportHeight = Math.min(maxHeight, bodyHeight + HEADER_HEIGHT_PX);
  const first = Math.max(0, Math.floor((scrollTop - HEADER_HEIGHT_PX) / rowHeight) - OVERSCAN_ROWS);
  const last = Math.min(sorted.length, Math.ceil((scrollTop + viewportHeight) / rowHeight) + OVERSCAN_ROWS);
  const visible = sorted.slice(first, last);

  const onScroll = () => {
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      setScrollTop(scrollRef.current?.scrollTop ?? 0);
    });
  };
  useEffect(() => () => {
    if (frame.current !== null) cancelAnimationFrame(frame.current);
  }, []);

  const moveTo = (index: number) => {
    const i = Math.max(0, Math.min(sorted.length - 1, index));
    setActive(i);
    const el = scrollRef.current;
    if (!el) return;
    const top = HEADER_HEIGHT_PX + i * rowHeight;
    if (top - HEADER_HEIGHT_PX < el.scrollTop) el.scrollTop = top - HEADER_HEIGHT_PX;
    else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget || sorted.length === 0) return; // keys inside links/checkboxes are theirs
    const page = Math.max(1, Math.floor((viewportHeight - HEADER_HEIGHT_PX) / rowHeight) - 1);
    const item = sorted[active];
    const row = item?.row;
    switch (e.key) {
      case 'ArrowDown':
        moveTo(active + 1);
        break;
      case 'ArrowUp':
        moveTo(active - 1);
        break;
      case 'PageDown':
        moveTo(active + page);
        break;
      case 'PageUp':
        moveTo(active - page);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(sorted.length - 1);
        break;
      case ' ':
        if (selection && item) selection.onToggle(rowKey(item.row, item.i));
        break;
      case 'Enter':
        if (onActivate && row) onActivate(row);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const toggleSort = (key: string) => {
    setSort((s) => (s?.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'desc' }));
  };

  if (sorted.length === 0 && empty) return <div className="table-empty">{empty}</div>;

  const activeRow = sorted[active];
  const activeId = activeRow ? `${baseId}-r${active}` : undefined;
  return (
    <div
      className="table-scroll"
      ref={scrollRef}
      onScroll={onScroll}
      style={{ maxHeight }}
      tabIndex={0}
      role="region"
      aria-label={`${label} (${sorted.length} rows; arrow keys move, ${selection ? 'Space selects, ' : ''}${onActivate ? 'Enter opens' : ''})`}
      aria-activedescendant={activeId}
      onKeyDown={onKeyDown}
      data-testid={testId}
    >
      <table className="table" aria-label={label} aria-rowcount={sorted.length + 1}>
        <colgroup>
          {selection && <col style={{ width: '40px' }} />}
          {columns.map((c) => (
            <col key={c.key} style={c.width ? { width: c.width } : undefined} />
          ))}
        </colgroup>
        <thead>
          <tr style={{ height: HEADER_HEIGHT_PX }}>
            {selection && (
              <th scope="col">
                <span className="visually-hidden">Select</span>
              </th>
            )}
            {columns.map((c) => {
              const dir = sort?.key === c.key ? sort.dir : null;
              return (
                <th key={c.key} scope="col" className={`align-${c.align ?? 'left'}`} aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : undefined}>
                  {c.sortValue ? (
                    <button type="button" className="th-sort" onClick={() => toggleSort(c.key)}>
                      {c.header}
                      {dir && (
                        <span className="sort-mark" aria-hidden="true">
                          {dir === 'asc' ? '▲' : '▼'}
                        </span>
                      )}
                    </button>
                  ) : (
                    c.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {first > 0 && <tr className="spacer" style={{ height: first * rowHeight }} aria-hidden="true" />}
          {visible.map(({ row, i: original }, i) => {
            const index = first + i;
            const key = rowKey(row, original);
            const selected = selection?.selected.has(key) ?? false;
            const cls = ['row', index === active ? 'row-active' : '', selected ? 'row-selected' : '', rowClassName?.(row) ?? ''].filter(Boolean).join(' ');
            return (
              <tr
                key={key}
                id={`${baseId}-r${index}`}
                className={cls}
                style={{ height: rowHeight }}
                aria-rowindex={index + 2}
                aria-selected={selection ? selected : undefined}
                onClick={() => setActive(index)}
                onDoubleClick={onActivate ? () => onActivate(row) : undefined}
              >
                {selection && (
                  <td className="align-center cell-select">
                    <input type="checkbox" checked={selected} onChange={() => selection.onToggle(key)} aria-label={`Select ${selection.rowLabel(row)}`} />
                  </td>
                )}
                {columns.map((c) => (
                  <td key={c.key} className={`align-${c.align ?? 'left'}`} title={c.title?.(row)}>
                    {c.render(row)}
                  </td>
                ))}
              </tr>
            );
          })}
          {last < sorted.length && <tr className="spacer" style={{ height: (sorted.length - last) * rowHeight }} aria-hidden="true" />}
        </tbody>
      </table>
    </div>
  );
}
