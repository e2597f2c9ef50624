import { BarChart, CustomChart, LineChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  MarkPointComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { echartsTheme, PALETTES } from './themes.js';

/** Only what the workbench draws is bundled (tree-shaken ECharts: ~1/3 of the full build). */
echarts.use([
  LineChart,
  BarChart,
  CustomChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  TitleComponent,
  MarkLineComponent,
  MarkAreaComponent,
  MarkPointComponent,
  DataZoomComponent,
  CanvasRenderer,
]);

echarts.registerTheme('sark-light', echartsTheme(PALETTES.light));
echarts.registerTheme('sark-dark', echartsTheme(PALETTES.dark));

export { echarts };
export type EChartsOption = echarts.EChartsCoreOption;
