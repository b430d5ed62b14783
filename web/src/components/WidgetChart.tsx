// Dashboard charts, drawn by Chart.js (loaded with this chunk, only when a dashboard shows a
// chart): a chart widget's bars (or pie) of counts or sums by label across its boards, and a
// report widget's bars (a line for a burndown), both as the analytics API answered them.
import { ArcElement, BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PieController, PointElement, Tooltip } from "chart.js";
import { useEffect, useRef } from "react";
import type { Bucket, ReportAnswer, Widget } from "../api/types";
import { chartFrom, reportChart, type BoardData } from "../state/dashboard";
import { usePeople } from "../state/people";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, PieController, ArcElement, LineController, LineElement, PointElement, Tooltip, Legend);

type Drawn = { title: string; names: string[]; values: number[]; colors?: string[]; kind: "bar" | "pie" | "line" };

function Drawing({ title, names, values, colors, kind }: Drawn) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const key = JSON.stringify({ names, values, colors, kind });
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: kind,
      data: { labels: names, datasets: [{ label: title, data: values, backgroundColor: colors ?? "#579bfc", borderColor: "#579bfc" }] },
      options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: kind === "pie" } } },
    });
    return () => chart.destroy();
    // Redrawn when what it shows changes (the key), not at each render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return (
    <div className="widget-chart">
      <canvas ref={canvas} role="img" aria-label={`${title}: ${names.map((n, i) => `${n} ${values[i]}`).join(", ")}`} />
    </div>
  );
}

export default function WidgetChart({ widget, data, answers }: { widget: Widget; data: Map<string, BoardData>; answers: Bucket[][] }) {
  const people = usePeople();
  const c = chartFrom(widget, data, answers, (id) => people.find((p) => p.id === id)?.name ?? "Someone");
  const pie = (widget.settings as { chart?: string }).chart === "pie";
  return <Drawing title={widget.title ?? ""} names={c.names} values={c.values} colors={c.colors} kind={pie ? "pie" : "bar"} />;
}

export function ReportChart({ widget, answer }: { widget: Widget; answer: ReportAnswer }) {
  const r = reportChart(widget, answer);
  return (
    <>
      {r.summary && <div className="muted" data-testid="report-summary">{r.summary}</div>}
      <Drawing title={widget.title ?? ""} names={r.names} values={r.values} kind={r.line ? "line" : "bar"} />
    </>
  );
}
