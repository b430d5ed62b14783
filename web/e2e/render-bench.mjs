// Not part of the test suite (bench/views.sh runs it): how long the calendar, the timeline, the
// kanban and the gallery take to show a board of ITEMS (10,000) items in Chromium, from the
// click on the tab to the first bars, chips or cards on screen, and how many items the app
// fetched for it (counted in the item queries' answers). The board is built as a user would,
// through the bulk API, with dates spread over four months and a status on each item.
import { test } from "node:test";
import { api, sunday } from "./harness.mjs";

const s = sunday();
const ITEMS = Number(process.env.ITEMS ?? 10000);
const RUNS = Number(process.env.RUNS ?? 3);

test(`calendar and timeline over ${ITEMS} items`, async () => {
  const { page, ctx } = await s.newUser("Bench", "bench@example.com");
  const ws = (await api(page, "GET", "/workspaces")).data[0];
  const board = await api(page, "POST", "/boards", { name: "Render bench", workspace_id: ws.id });
  // The timeline the only dated column, so both views show it without being told.
  for (const c of board.columns.filter((c) => c.type === "date")) await api(page, "DELETE", `/boards/${board.id}/columns/${c.id}`);
  const timeline = await api(page, "POST", `/boards/${board.id}/columns`, { title: "Timeline", type: "timeline" });
  const status = board.columns.find((c) => c.type === "status");
  const labels = status.settings.labels;
  const day = (n) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  for (let start = 0; start < ITEMS; start += 1000) {
    const items = Array.from({ length: Math.min(1000, ITEMS - start) }, (_, k) => {
      const n = start + k;
      const from = (n % 120) - 60;
      return { name: `Item ${n}`, group_id: board.groups[n % 2].id, values: { [timeline.id]: { from: day(from), to: day(from + (n % 5)) }, [status.id]: labels[n % labels.length].id } };
    });
    const made = await api(page, "POST", `/boards/${board.id}/items/bulk`, { items });
    if (!Array.isArray(made?.data ?? made)) throw new Error(`bulk create failed: ${JSON.stringify(made).slice(0, 300)}`);
  }
  await page.goto(`${s.base}/boards/${board.id}`);
  await page.locator("tr[data-item]").first().waitFor();
  const views = [["Calendar", ".calendar-day [data-item]"], ["Timeline", ".timeline-bar"], ["Kanban", ".lane [data-card]"], ["Gallery", ".gallery-card"]];
  const times = Object.fromEntries(views.map(([tab]) => [tab.toLowerCase(), []]));
  const fetched = Object.fromEntries(views.map(([tab]) => [tab.toLowerCase(), []]));
  let bars = 0;
  let counting = null;
  page.on("response", async (r) => {
    if (!counting || !r.url().endsWith("/items/query")) return;
    const mine = counting;
    const n = (await r.json().catch(() => ({}))).data?.length ?? 0;
    mine.n += n;
  });
  for (let run = 0; run < RUNS; run++) {
    for (const [tab, selector] of views) {
      // Each view from a fresh load of the board, so none finds the items another fetched.
      await page.reload();
      await page.getByRole("button", { name: "Main table" }).click();
      await page.locator("tr[data-item]").first().waitFor();
      counting = { n: 0 };
      const t0 = Date.now();
      await page.getByRole("button", { name: tab, exact: true }).click();
      await page.locator(selector).first().waitFor({ timeout: 60_000 });
      // Painted: the next animation frame after the first bar or chip is in the DOM.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
      times[tab.toLowerCase()].push(Date.now() - t0);
      if (tab === "Timeline") bars = await page.locator(".timeline-bar").count();
      // What the view went on to fetch once shown (a view that needs every item fetches on).
      await page.waitForTimeout(1500);
      fetched[tab.toLowerCase()].push(counting.n);
      counting = null;
    }
  }
  for (const [view, ms] of Object.entries(times)) {
    const sorted = [...ms].sort((a, b) => a - b);
    console.log(`${view}: ${ITEMS} items, runs ${ms.join(", ")} ms, median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted[sorted.length - 1]} ms; items fetched in its first 1.5 s: ${fetched[view].join(", ")}`);
  }
  console.log(`timeline bars in the DOM: ${bars} of ${ITEMS} (the rows are windowed)`);
  await ctx.close();
});
