// The chart view: bar, stacked bar, line, pie or a single number over the items the board's
// filter matches, counted by the server (state/counts.ts asks, state/chart.ts turns the counts
// into bars) so no item is fetched, drawn by Chart.js. Loaded on its own (React.lazy in
// BoardPage), so the library is fetched only by those who open a chart. The numbers are also
// in a table for screen readers.
import { ArcElement, BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PieController, PointElement, Tooltip } from "chart.js";
import { useEffect, useMemo, useRef } from "react";
import type { Bus } from "../api/live";
import type { Board } from "../api/types";
import { chartAsked, type ChartKind, type ChartSettings, fromCounts, type Period, splittable } from "../state/chart";
import { useCounts } from "../state/counts";
import { usePeople } from "../state/people";
import { color } from "./Cell";

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, PieController, ArcElement, CategoryScale, LinearScale, Legend, Tooltip);

const PALETTE = ["#579bfc", "#00c875", "#fdab3d", "#e2445c", "#a25ddc", "#ffcb00", "#66ccff", "#c4c4c4"];
const tint = (c: string | undefined, i: number) => (c ? color(c) : PALETTE[i % PALETTE.length]);

export default function ChartView({ board, filter, bus, settings, onSettings }: {
  board: Board; filter: Record<string, unknown> | null; bus: Bus; settings: ChartSettings; onSettings: (s: ChartSettings) => void;
}) {
  const people = usePeople();
  const columns = board.columns ?? [];
  const numbers = columns.filter((c) => c.type === "number");
  const groupCol = columns.find((c) => c.id === settings.group_by);
  const nameOf = (id: string) => people.find((p) => p.id === id)?.name ?? "Someone";
  const asked = useMemo(() => chartAsked(columns, settings, filter), [columns, settings, filter]);
  const answer = useCounts(board.id, asked, true, bus);
  const data = useMemo(() => fromCounts(answer ?? { total: 0, groups: [] }, columns, settings, nameOf), [answer, columns, settings, people]);
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current || settings.chart === "number") return;
    const kind = settings.chart;
    const chart = new Chart(canvas.current, {
      type: kind === "stacked" ? "bar" : kind,
      data: {
        labels: data.names,
        datasets: data.series.map((s, i) => ({
          label: s.name,
          data: s.values,
          // One series: each bar, slice or point takes its label's colour.
          backgroundColor: data.series.length === 1 && kind !== "line" ? data.colors.map((c, j) => tint(c, j)) : tint(s.color, i),
          borderColor: kind === "line" ? tint(s.color, i) : undefined,
        })),
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { display: kind === "pie" || data.series.length > 1 } },
        scales: kind === "pie" ? {} : { x: { stacked: kind === "stacked" }, y: { stacked: kind === "stacked", beginAtZero: true } },
      },
    });
    return () => chart.destroy();
  }, [data, settings.chart]);
  const set = (patch: Partial<ChartSettings>) => onSettings({ ...settings, ...patch });
  const metricValue = settings.metric.fn === "count" ? "count" : `${settings.metric.fn}:${settings.metric.column_id}`;
  const round = (n: number) => Math.round(n * 100) / 100;
  return (
    <div className="chart-wrap">
      <div className="chart-settings">
        <select aria-label="Chart" value={settings.chart} onChange={(e) => set({ chart: e.target.value as ChartKind })}>
          {(["bar", "stacked", "line", "pie", "number"] as const).map((k) => <option key={k} value={k}>{k === "stacked" ? "Stacked bar" : k[0].toUpperCase() + k.slice(1)}</option>)}
        </select>
        <select aria-label="Value" value={metricValue} onChange={(e) => {
          const [fn, id] = e.target.value.split(":");
          set({ metric: fn === "count" ? { fn: "count" } : { fn: fn as "sum" | "avg", column_id: id } });
        }}>
          <option value="count">Count of items</option>
          {numbers.flatMap((c) => [
            <option key={`sum${c.id}`} value={`sum:${c.id}`}>Sum of {c.title}</option>,
            <option key={`avg${c.id}`} value={`avg:${c.id}`}>Average of {c.title}</option>,
          ])}
        </select>
        {settings.chart !== "number" && (
          <select aria-label="By" value={settings.group_by ?? ""} onChange={(e) => set({ group_by: e.target.value || undefined })}>
            {columns.filter(splittable).map((c) => <option key={c.id} value={c.id}>By {c.title}</option>)}
          </select>
        )}
        {settings.chart !== "number" && (groupCol?.type === "date" || groupCol?.type === "timeline") && (
          <select aria-label="Period" value={settings.period ?? "month"} onChange={(e) => set({ period: e.target.value as Period })}>
            {(["day", "week", "month"] as const).map((p) => <option key={p} value={p}>Per {p}</option>)}
          </select>
        )}
        {settings.chart === "stacked" && (
          <select aria-label="Stack by" value={settings.stack_by ?? ""} onChange={(e) => set({ stack_by: e.target.value || undefined })}>
            <option value="">Stack by…</option>
            {columns.filter((c) => splittable(c) && c.id !== settings.group_by).map((c) => <option key={c.id} value={c.id}>Stack by {c.title}</option>)}
          </select>
        )}
      </div>
      {settings.chart === "number"
        ? <div className="chart-number" data-testid="chart-number">{round(data.total).toLocaleString("en")}</div>
        : <div className="chart-canvas"><canvas ref={canvas} role="img" aria-label="The chart drawn" /></div>}
      <table className="visually-hidden" aria-label="Chart data">
        <thead><tr><th>{groupCol?.title ?? ""}</th>{data.series.map((s) => <th key={s.key}>{s.name}</th>)}</tr></thead>
        <tbody>
          {data.names.map((n, i) => (
            <tr key={data.keys[i]}><th>{n}</th>{data.series.map((s) => <td key={s.key}>{round(s.values[i])}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
