import { useRef, type KeyboardEvent, type ReactNode } from 'react';

/** ARIA tabs (WAI-ARIA Authoring Practices): arrow keys, Home and End move between tabs. */

export interface TabDef {
  id: string;
  label: ReactNode;
}

export function Tabs({ tabs, active, onSelect, label, idPrefix }: { tabs: TabDef[]; active: string; onSelect: (id: string) => void; label: string; idPrefix: string }) {
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  const index = Math.max(0, tabs.findIndex((t) => t.id === active));
  const focusTab = (i: number) => {
    const n = tabs.length;
    const j = ((i % n) + n) % n;
    const tab = tabs[j];
    if (!tab) return;
    onSelect(tab.id);
    refs.current[j]?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
    const target = moves[e.key];
    if (target === undefined) return;
    e.preventDefault();
    focusTab(target);
  };
  return (
    <div className="tabs" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
      {tabs.map((t, i) => (
        <button
          key={t.id}
          ref={(el) => {
            refs.current[i] = el;
          }}
          type="button"
          role="tab"
          id={`${idPrefix}-tab-${t.id}`}
          aria-selected={t.id === active}
          aria-controls={`${idPrefix}-panel`}
          tabIndex={t.id === active ? 0 : -1}
          className={`tab${t.id === active ? ' tab-active' : ''}`}
          onClick={() => onSelect(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

export function TabPanel({ idPrefix, active, children }: { idPrefix: string; active: string; children: ReactNode }) {
  return (
    <div className="tab-panel" role="tabpanel" id={`${idPrefix}-panel`} aria-labelledby={`${idPrefix}-tab-${active}`} tabIndex={-1}>
      {children}
    </div>
  );
}
