// ECharts (served from the jar's WebJar) with one calm look for every chart.
import { compact } from './format.js';

const PALETTE = ['#2f6f8f', '#7fb3c8', '#c08457', '#6b8f71', '#9c7fb3', '#d4a849', '#8c8c8c', '#b35f6b', '#4f8f8b', '#a3a86b', '#5b6b8c'];

/** Makes (or reuses, across 30-second refreshes) a chart in a container. */
export function chart(container) {
  const existing = echarts.getInstanceByDom(container);
  const c = existing ?? echarts.init(container, null, { renderer: 'canvas' });
  if (!existing) new ResizeObserver(() => c.resize()).observe(container);
  return c;
}

function base(extra = {}) {
  return {
    color: PALETTE,
    animation: false,
    grid: { left: 56, right: 16, top: 36, bottom: 32 },
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', top: 0 },
    textStyle: { fontFamily: 'system-ui, sans-serif' },
    ...extra,
  };
}

/** Stacked bars over categories (days): series = [{ name, data: [number per category] }]. */
export function stackedBars(container, categories, series, unit) {
  chart(container).setOption(base({
    xAxis: { type: 'category', data: categories },
    yAxis: { type: 'value', axisLabel: { formatter: (v) => (unit === '$' ? '$' : '') + compact(v) } },
    tooltip: { trigger: 'axis', valueFormatter: (v) => (unit === '$' ? '$' + Number(v).toFixed(2) : Number(v).toLocaleString('en-US')) },
    series: series.map((s) => ({ type: 'bar', stack: 'total', name: s.name, data: s.data, barMaxWidth: 28 })),
  }), true);
}

export function areas(container, categories, series) {
  chart(container).setOption(base({
    xAxis: { type: 'category', data: categories, boundaryGap: false },
    yAxis: { type: 'value', axisLabel: { formatter: compact } },
    series: series.map((s) => ({ type: 'line', stack: 'total', areaStyle: {}, symbol: 'none', name: s.name, data: s.data })),
  }), true);
}

export function bars(container, categories, values, name, unit) {
  stackedBars(container, categories, [{ name, data: values }], unit);
}

export function pie(container, items, unit) {
  chart(container).setOption(base({
    tooltip: { trigger: 'item', valueFormatter: (v) => (unit === '$' ? '$' + Number(v).toFixed(2) : Number(v).toLocaleString('en-US')) },
    legend: { type: 'scroll', orient: 'vertical', right: 0, top: 'middle' },
    series: [{ type: 'pie', radius: ['40%', '70%'], center: ['40%', '50%'], data: items, label: { show: false } }],
  }), true);
}

/** Weekday × hour heatmap; cells = [[hour, weekdayIndex, value]]. */
export function heatmap(container, weekdays, cells, max) {
  chart(container).setOption({
    animation: false,
    tooltip: { position: 'top', formatter: (p) => `${weekdays[p.value[1]]} ${String(p.value[0]).padStart(2, '0')}:00 — $${p.value[2].toFixed(2)}` },
    grid: { left: 56, right: 16, top: 8, bottom: 64 },
    xAxis: { type: 'category', data: [...Array(24).keys()].map((h) => String(h).padStart(2, '0')), splitArea: { show: true } },
    yAxis: { type: 'category', data: weekdays, inverse: true, splitArea: { show: true } },
    visualMap: { min: 0, max: Math.max(max, 0.01), calculable: true, orient: 'horizontal', left: 'center', bottom: 0,
      inRange: { color: ['#f4f8fa', '#7fb3c8', '#2f6f8f', '#173a4b'] }, formatter: (v) => '$' + compact(v) },
    series: [{ type: 'heatmap', data: cells, emphasis: { itemStyle: { borderColor: '#333', borderWidth: 1 } } }],
  }, true);
}
