import { useEffect, useRef } from 'react';
import { useTheme } from '../app/theme.js';
import { echarts, type EChartsOption } from './echarts.js';

/**
 * One ECharts instance bound to a div. The option is replaced (not merged) when it changes;
 * the theme switches in place with setTheme (ECharts 6) so the chart keeps its zoom state.
 */
export function Chart({ option, heightPx = 220, label, testId, onRendered }: { option: EChartsOption; heightPx?: number; label: string; testId?: string; onRendered?: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const { theme } = useTheme();
  const themeRef = useRef(theme);
  const renderedRef = useRef(onRendered);
  renderedRef.current = onRendered;

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const c = echarts.init(el, `sark-${themeRef.current}`, { renderer: 'canvas' });
    chart.current = c;
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c || themeRef.current === theme) return;
    themeRef.current = theme;
    c.setTheme(`sark-${theme}`);
  }, [theme]);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.setOption(option, { notMerge: true });
    renderedRef.current?.();
  }, [option]);

  return <div ref={ref} className="chart" style={{ height: heightPx }} role="img" aria-label={label} data-testid={testId} />;
}
