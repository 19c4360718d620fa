// The dashboard's 30-day chart, drawn with uPlot (loaded only when the dashboard is shown: it is
// not part of the console's initial JavaScript). The numbers are also in a table next to it, so
// the canvas is a picture of them, never the only way to read them.
import uPlot from 'uplot';
import uPlotCss from 'uplot/dist/uPlot.min.css?inline';
import type { DashboardView } from './admin-api.ts';

export const chartStyles = uPlotCss;

export interface ChartLabels {
  toRed: string;
  toYellow: string;
  toGreen: string;
}

export function drawDailyChart(target: HTMLElement, days: DashboardView['days'], labels: ChartLabels, width: number): () => void {
  // uPlot's x axis is time in seconds: each local day at noon UTC, so labels show the right date.
  const xs = days.map((d) => Date.parse(`${d.day}T12:00:00Z`) / 1000);
  const chart = new uPlot(
    {
      width,
      height: 260,
      scales: { x: { time: true } },
      axes: [{}, { label: '' }],
      series: [
        {},
        { label: labels.toRed, stroke: '#a3132a', width: 2 },
        { label: labels.toYellow, stroke: '#8a5a00', width: 2, dash: [6, 4] },
        { label: labels.toGreen, stroke: '#0b6b2f', width: 2, dash: [2, 3] },
      ],
    },
    [xs, days.map((d) => d.toRed), days.map((d) => d.toYellow), days.map((d) => d.toGreen)],
    target,
  );
  return () => chart.destroy();
}
