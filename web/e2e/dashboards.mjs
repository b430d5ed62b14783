// Browser tests of dashboards: made in a workspace, widgets over two boards (number, battery,
// chart), updating live when an item changes on either board, and a widget dragged to a new
// place that stays there after a reload.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { api, keyboardDrag, row, shots, sunday, until } from "./harness.mjs";

const s = sunday();

test("a dashboard over two boards: widgets added, updated live, moved and kept", async () => {
  const { page, errors, ctx } = await s.newUser("Dana", "dana@example.com");
  await page.getByRole("button", { name: /Project tracker/ }).click();
  await row(page, "Design landing page").waitFor();
  const ws = (await api(page, "GET", "/workspaces")).data[0];
  const tracker = (await api(page, "GET", "/boards")).data[0];
  const support = await api(page, "POST", "/boards", { name: "Support", workspace_id: ws.id });
  const status = support.columns.find((c) => c.type === "status");
  const done = status.settings.labels.find((l) => l.done);
  for (const [name, label] of [["Refund", done.id], ["Login bug", null]]) {
    await api(page, "POST", `/boards/${support.id}/items`, { name, group_id: support.groups[0].id, values: label ? { [status.id]: label } : {} });
  }
  const count = async (b) => (await api(page, "GET", `/boards/${b}/items?limit=500`)).data.length;
  const total = (await count(tracker.id)) + (await count(support.id));

  await page.reload();
  await page.getByRole("button", { name: "+ New dashboard" }).click();
  await page.getByLabel("Dashboard name").fill("Overview");
  await page.getByRole("button", { name: "Create dashboard" }).click();
  await page.getByRole("heading", { name: "Overview" }).waitFor();
  assert.match(new URL(page.url()).pathname, /^\/dashboards\//);

  async function addWidget(kind, title, extra, boards = ["Project tracker", "Support"]) {
    await page.getByRole("button", { name: "Add widget", exact: true }).click();
    const form = page.getByRole("form", { name: "Add a widget" });
    await form.getByLabel("Widget kind").selectOption({ label: kind });
    await form.getByLabel("Widget title").fill(title);
    for (const name of ["Project tracker", "Support"]) await form.getByLabel(name).setChecked(boards.includes(name));
    if (extra) await extra(form);
    await form.getByRole("button", { name: "Add widget" }).click();
    await page.locator(`.widget[data-widget="${title}"]`).waitFor();
  }
  await addWidget("Number", "All items");
  await addWidget("Battery", "Progress");
  await addWidget("Chart", "By status", (form) => form.getByLabel("Chart by").selectOption({ label: "Status" }));
  const number = page.locator('.widget[data-widget="All items"] [data-testid="widget-number"]');
  await page.waitForFunction(([sel, want]) => document.querySelector(sel)?.textContent === want, ['.widget[data-widget="All items"] [data-testid="widget-number"]', String(total)]);
  await page.locator('.widget[data-widget="By status"] canvas[aria-label*="Done"]').waitFor();
  // A report from the analytics pipeline: items reaching a done label, per week.
  await addWidget("Report", "Done per week", (form) => form.getByLabel("Report").selectOption({ label: "Throughput (done per week)" }));
  const doneCount = () => {
    const label = document.querySelector('.widget[data-widget="Done per week"] canvas')?.getAttribute("aria-label") ?? "";
    return (label.split(": ")[1] ?? "").split(", ").filter(Boolean).reduce((sum, part) => sum + Number(part.split(" ").pop()), 0);
  };
  await page.locator('.widget[data-widget="Done per week"] canvas').waitFor();
  const doneBefore = await page.evaluate(doneCount);
  assert.ok(doneBefore >= 2, `done items this week: ${doneBefore}`);
  // One board's timeline as a widget: its bars, there to drag as on the board.
  await addWidget("Timeline", "Plan", null, ["Project tracker"]);
  await page.locator('.widget[data-widget="Plan"] .timeline-bar').first().waitFor();
  // A calendar over both boards: their "Due date" columns are one. An item of the second board
  // is there, and moved a day in the widget it is saved on its own board's column.
  const due = support.columns.find((c) => c.title === "Due date");
  const bug = (await api(page, "GET", `/boards/${support.id}/items`)).data.find((i) => i.name === "Login bug");
  const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  const now = new Date();
  const today = iso(now);
  // A neighbouring day of the same month, so the month shown has it.
  const back = now.getDate() >= 28;
  const next = iso(new Date(now.getFullYear(), now.getMonth(), now.getDate() + (back ? -1 : 1)));
  await api(page, "PATCH", `/items/${bug.id}`, { values: { [due.id]: today } });
  await addWidget("Calendar", "Dates");
  const dates = page.locator('.widget[data-widget="Dates"]');
  // The first board's timeline comes first; its "Due date" is both boards'.
  await dates.getByLabel("Dates from").selectOption({ label: "Dates: Due date" });
  await dates.locator(`.calendar-day[data-day="${today}"] [data-item="Login bug"]`).waitFor();
  await keyboardDrag(page, dates.locator(`.calendar-day[data-day="${today}"] [data-item="Login bug"]`), [back ? "ArrowLeft" : "ArrowRight"]);
  await until(page, async ([id, col, want]) => (await (await fetch(`/api/v1/items/${id}`)).json()).values[col] === want, [bug.id, due.id, next]);
  await dates.locator(`.calendar-day[data-day="${next}"] [data-item="Login bug"]`).waitFor();

  // Live: an item made on either board shows in the widgets without a reload.
  const t0 = Date.now();
  await api(page, "POST", `/boards/${support.id}/items`, { name: "Outage", group_id: support.groups[0].id, values: { [status.id]: done.id } });
  await page.waitForFunction(([sel, want]) => document.querySelector(sel)?.textContent === want, ['.widget[data-widget="All items"] [data-testid="widget-number"]', String(total + 1)], { timeout: 5000 });
  console.log(`a new item reached the number widget ${Date.now() - t0} ms after its write was answered`);
  assert.equal(await number.textContent(), String(total + 1));
  await page.locator('[data-testid="widget-battery"]').getByText(`of ${total + 1}`).waitFor();
  await page.waitForFunction(`(${doneCount})() === ${doneBefore + 1}`);
  await page.locator('.widget[data-widget="Dates"] .calendar-undated [data-item="Outage"]').waitFor();

  // The number widget dragged by its title to the right: its place is saved.
  const dash = (await api(page, "GET", `/workspaces/${ws.id}/dashboards`)).data[0];
  const head = page.locator('.widget[data-widget="All items"] .widget-head');
  await head.scrollIntoViewIfNeeded();
  const box = await head.boundingBox();
  await page.mouse.move(box.x + 40, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 240, box.y + box.height / 2, { steps: 6 });
  await page.mouse.move(box.x + 540, box.y + box.height / 2, { steps: 6 });
  await page.mouse.up();
  await until(page, async (id) => {
    const d = await (await fetch(`/api/v1/dashboards/${id}`)).json();
    return d.widgets.find((w) => w.title === "All items")?.layout.x >= 4;
  }, dash.id);
  await page.reload();
  await page.getByRole("heading", { name: "Overview" }).waitFor();
  await page.waitForFunction(([sel, want]) => document.querySelector(sel)?.textContent === want, ['.widget[data-widget="All items"] [data-testid="widget-number"]', String(total + 1)]);
  const after = await api(page, "GET", `/dashboards/${dash.id}`);
  assert.ok(after.widgets.find((w) => w.title === "All items").layout.x >= 4, "the new place is kept");
  await page.locator('.widget[data-widget="Done per week"] canvas').waitFor();
  await page.screenshot({ path: path.join(shots, "dashboard.png") });
  // A widget naming a column its board lacks says so in the widget.
  const broken = { id: "broken", kind: "chart", title: "Broken", board_ids: [support.id], settings: { group_by: "Nope" }, layout: { x: 0, y: 40, w: 4, h: 4 } };
  await api(page, "PATCH", `/dashboards/${dash.id}`, { widgets: [...after.widgets, broken] });
  await page.reload();
  await page.locator('.widget[data-widget="Broken"]').getByRole("alert").getByText("Support has no column “Nope”.").waitFor();
  assert.deepEqual(errors, []);
  await ctx.close();
});
