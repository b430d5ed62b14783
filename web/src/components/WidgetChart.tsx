// A dashboard chart widget, drawn by Chart.js (loaded with this chunk, only when a dashboard
// shows a chart): bars (or a pie) of the widget's counts or sums by label, across its boards, as
// the analytics API answered them.
import { ArcElement, BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, PieController, Tooltip } from "chart.js";
import { useEffect, useRef } from "react";
import type { Bucket, Widget } from "../api/types";
import { chartFrom, type BoardData } from "../state/dashboard";
import { usePeople } from "../state/people";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, PieController, ArcElement, Tooltip, Legend);

export default function WidgetChart({ widget, data, answers }: { widget: Widget; data: Map<string, BoardData>; answers: Bucket[][] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const people = usePeople();
  const c = chartFrom(widget, data, answers, (id) => people.find((p) => p.id === id)?.name ?? "Someone");
  const pie = (widget.settings as { chart?: string }).chart === "pie";
  const key = JSON.stringify(c);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: pie ? "pie" : "bar",
      data: { labels: c.names, datasets: [{ label: widget.title, data: c.values, backgroundColor: c.colors }] },
      options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: pie } } },
    });
    return () => chart.destroy();
    // Redrawn when what it shows changes (the key), not at each render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, pie]);
  return (
    <div className="widget-chart">
      <canvas ref={canvas} role="img" aria-label={`${widget.title}: ${c.names.map((n, i) => `${n} ${c.values[i]}`).join(", ")}`} />
    </div>
  );
}
