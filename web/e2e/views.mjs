// Browser tests of views: leaving a saved view for the main table, showing hidden columns
// again one by one, the kanban keeping the sort, and the gallery's covers and fields kept in a
// saved view.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { api, blankBoard, dragBy, dragOnto, keyboardDrag, row, shots, sunday, until } from "./harness.mjs";

const s = sunday();

/** A Project tracker board, opened, with its columns and its items in board order. */
async function projectBoard(name, email) {
  const u = await s.newUser(name, email);
  await u.page.getByRole("button", { name: /Project tracker/ }).click();
  await row(u.page, "Design landing page").waitFor();
  const board = await api(u.page, "GET", `/boards/${(await api(u.page, "GET", "/boards")).data[0].id}`);
  const items = (await api(u.page, "GET", `/boards/${board.id}/items`)).data;
  return { ...u, board, items };
}

/** Drags `locator` by `dx` pixels, grabbed `at` pixels from its left edge, in small steps. */
const rowNames = (page) => page.locator("tr[data-item]").evaluateAll((rs) => rs.map((r) => r.getAttribute("data-item")));

test("leaving a saved view for the main table takes off its sort; hidden columns come back one at a time", async () => {
  const { page, errors, ctx, board, items } = await projectBoard("Vera", "vera@example.com");
  const boardOrder = await rowNames(page);
  await api(page, "POST", `/boards/${board.id}/views`, { name: "Z to A", type: "table", sort: [{ column: "name", dir: "desc" }] });
  await page.reload();
  await page.getByRole("button", { name: "Z to A" }).click();
  // Sorted within each group, groups in board order.
  const sorted = board.groups.flatMap((g) => items.filter((i) => i.group_id === g.id).map((i) => i.name).sort().reverse());
  assert.notDeepEqual(sorted, boardOrder);
  await page.waitForFunction((want) => [...document.querySelectorAll("tr[data-item]")].map((r) => r.getAttribute("data-item")).join("|") === want, sorted.join("|"));
  await page.getByRole("button", { name: "Main table" }).click();
  await page.waitForTimeout(200);
  assert.deepEqual(await rowNames(page), boardOrder, "the main table is in board order again");
  assert.equal(await page.getByLabel("Sort by").inputValue(), "");

  // Hide two columns; show one of them again from the "Hidden columns" menu.
  for (const title of ["Notes", "Budget"]) {
    await page.locator(`th[data-header="${title}"] .col-menu`).first().click();
    await page.locator(".palette.menu button", { hasText: "Hide" }).click();
  }
  assert.equal(await page.locator('th[data-header="Notes"]').count(), 0);
  await page.getByRole("button", { name: "Hidden columns (2)" }).click();
  await page.getByRole("button", { name: "Show Notes" }).click();
  await page.locator('th[data-header="Notes"]').first().waitFor();
  assert.equal(await page.locator('th[data-header="Budget"]').count(), 0, "only the chosen column comes back");
  await page.getByRole("button", { name: "Hidden columns (1)" }).waitFor();
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("the kanban orders each lane's cards by the sort", async () => {
  const { page, errors, ctx, board, items } = await projectBoard("Walt", "walt@example.com");
  const status = board.columns.find((c) => c.type === "status");
  await page.getByLabel("Sort by").selectOption({ label: "Name" });
  await page.getByLabel("Sort direction 1").click();
  await page.getByRole("button", { name: "Kanban" }).click();
  // The kanban is its own chunk: its cards are there once it has loaded.
  await page.locator("[data-lane] [data-card]").first().waitFor();
  for (const label of status.settings.labels) {
    const expected = items.filter((i) => i.values[status.id] === label.id).map((i) => i.name).sort().reverse();
    const lane = page.locator(`[data-lane="${label.name}"] [data-card]`);
    const shown = await lane.evaluateAll((cs) => cs.map((c) => c.getAttribute("data-card")));
    assert.deepEqual(shown, expected, `lane ${label.name}`);
  }
  assert.ok(items.length > 3);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("the gallery shows each item's cover and chosen fields; a saved gallery comes back after a reload", async () => {
  const { page, errors, ctx, board, items } = await projectBoard("Gail", "gail@example.com");
  const photos = await api(page, "POST", `/boards/${board.id}/columns`, { title: "Photos", type: "file" });
  // An image made in the page and uploaded as a user would, set as the first item's cover.
  const file = await page.evaluate(async () => {
    const canvas = document.createElement("canvas");
    canvas.width = 64;
    canvas.height = 48;
    const g = canvas.getContext("2d");
    g.fillStyle = "#e2445c";
    g.fillRect(0, 0, 64, 48);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
    const r = await fetch("/api/v1/files?filename=cover.png", {
      method: "POST", body: blob, headers: { "content-type": "image/png", "x-csrf-token": sessionStorage.getItem("sunday_csrf") ?? "" },
    });
    return (await r.json()).id;
  });
  const first = items[0];
  await api(page, "PATCH", `/items/${first.id}`, { values: { [photos.id]: { files: [{ file_id: file }] } } });
  await page.getByRole("button", { name: "Gallery" }).click();
  const card = page.locator(`.gallery-card[data-card="${first.name}"]`);
  await card.waitFor();
  // The cover is the image's thumbnail, loaded; items without a file show an empty cover.
  await page.waitForFunction((name) => {
    const img = document.querySelector(`.gallery-card[data-card="${name}"] img.gallery-cover`);
    return img && img.complete && img.naturalWidth > 0;
  }, first.name);
  assert.equal(await page.locator(".gallery-card").count(), items.length, "every item has a card");
  assert.equal(await page.locator(".gallery-cover.empty").count(), items.length - 1);
  // Choose the fields: the status only.
  const status = board.columns.find((c) => c.type === "status");
  await page.locator(".card-fields summary").click();
  for (const c of board.columns.filter((c) => c.type !== "file" && c.type !== "button")) {
    const box = page.locator(".card-fields label", { hasText: c.title }).locator("input");
    if ((await box.isChecked()) !== (c.id === status.id)) await box.click();
  }
  await card.locator(".card-field", { hasText: status.title }).waitFor();
  await page.getByRole("button", { name: "+ Save view" }).click();
  await page.getByLabel("View name").fill("Covers");
  await page.getByRole("button", { name: "Save view", exact: true }).click();
  await page.getByRole("button", { name: "Covers" }).waitFor();
  await page.reload();
  await page.getByRole("button", { name: "Covers" }).click();
  await card.locator("img.gallery-cover").waitFor();
  await card.locator(".card-field", { hasText: status.title }).waitFor();
  assert.equal(await card.locator(".card-field").count(), 1, "only the chosen field");
  await page.screenshot({ path: path.join(shots, "gallery.png") });
  const saved = (await api(page, "GET", `/boards/${board.id}/views`)).data.find((v) => v.name === "Covers");
  assert.equal(saved.type, "gallery");
  assert.deepEqual(saved.settings.card_columns, [status.id]);
  // Opening a card opens its item.
  await card.click();
  await page.waitForFunction((name) => document.querySelector(".panel input.panel-name")?.value === name, first.name);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("a board's calendar asks the server for the days it shows and a page of the undated, not every item", async () => {
  const { page, errors, ctx, board } = await blankBoard(s, "Days", "days@example.com");
  const due = await api(page, "POST", `/boards/${board.id}/columns`, { title: "Due", type: "date" });
  const month = new Date().toISOString().slice(0, 7);
  const pad = (n) => String(n).padStart(2, "0");
  // Ten items on each of the month's first 20 days, 300 without a date, 100 three months on.
  const later = new Date();
  later.setUTCDate(1);
  later.setUTCMonth(later.getUTCMonth() + 3);
  const away = later.toISOString().slice(0, 7);
  const items = Array.from({ length: 600 }, (_, k) => ({
    name: `Task ${k}`,
    group_id: board.groups[0].id,
    values: k < 200 ? { [due.id]: `${month}-${pad(1 + (k % 20))}` } : k < 500 ? {} : { [due.id]: `${away}-15` },
  }));
  await api(page, "POST", `/boards/${board.id}/items/bulk`, { items });
  await page.reload();
  const asked = [];
  page.on("request", (r) => r.url().endsWith("/items/query") && asked.push(r.postDataJSON()));
  await page.getByRole("button", { name: "Calendar", exact: true }).click();
  await page.getByLabel("Dates from").selectOption({ label: "Dates: Due" });
  const day = (n) => page.locator(`.calendar-day[data-day="${month}-${pad(n)}"]`);
  // Three chips a day and the rest counted: every one of the day's ten came.
  await day(5).getByRole("button", { name: "+7 more" }).waitFor();
  assert.equal(await day(5).locator("[data-item]").count(), 3);
  const undated = page.locator(".calendar-undated");
  await undated.locator("h3", { hasText: "300" }).waitFor();
  assert.equal(await undated.locator("[data-item]").count(), 100);
  await undated.getByRole("button", { name: "Show more (200)" }).click();
  await until(page, () => document.querySelectorAll(".calendar-undated [data-item]").length === 200);
  const filters = asked.map((b) => JSON.stringify(b.filter));
  assert.ok(filters.some((f) => f.includes('"between"') && f.includes(due.id)), filters.join("\n"));
  assert.ok(filters.some((f) => f.includes('"is_empty"')), filters.join("\n"));
  assert.deepEqual(asked.filter((b) => b.group_by === "group" && (b.cursor || b.filter)), [], "the board's further pages are not fetched for the calendar");
  // Three months on: asked for those days, and the items there show.
  for (let k = 0; k < 3; k++) await page.getByRole("button", { name: "Next" }).click();
  await page.locator(`.calendar-day[data-day="${away}-15"]`).getByRole("button", { name: "+97 more" }).waitFor();
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("the calendar: make an item on a day, drag it to another, stretch a timeline, and find it again after a reload", async () => {
  const { page, errors, ctx, board } = await projectBoard("Cal", "cal@example.com");
  const due = board.columns.find((c) => c.title === "Due date");
  const timeline = board.columns.find((c) => c.type === "timeline");
  await page.getByRole("button", { name: "Calendar", exact: true }).click();
  await page.getByLabel("Dates from").selectOption({ label: "Dates: Due date" });
  const month = new Date().toISOString().slice(0, 7);
  const pad = (n) => String(n).padStart(2, "0");
  const day = (n) => page.locator(`.calendar-day[data-day="${month}-${pad(n)}"]`);
  // Days of this month away from today (the template's items are dated around it).
  const a = new Date().getUTCDate() <= 14 ? 22 : 2;
  // A click on a day's free space makes an item dated that day.
  await day(a).click({ position: { x: 10, y: 90 } });
  await page.getByLabel("Item name").fill("Launch party");
  await page.getByRole("button", { name: "Add item" }).click();
  const chip = (n) => day(n).locator('[data-item="Launch party"]');
  await chip(a).waitFor();
  const made = async () => (await api(page, "GET", `/boards/${board.id}/items`)).data.find((i) => i.name === "Launch party");
  assert.equal((await made()).values[due.id], `${month}-${pad(a)}`);
  // Dragged two days on: the date follows.
  await dragOnto(page, chip(a), day(a + 2), { x: 10, y: 90 });
  await chip(a + 2).waitFor();
  await until(page, async ([b, name, col, want]) => {
    const r = await fetch(`/api/v1/boards/${b}/items`);
    return (await r.json()).data.find((i) => i.name === name)?.values[col] === want;
  }, [board.id, "Launch party", due.id, `${month}-${pad(a + 2)}`]);
  // By the keyboard: Space lifts it, an arrow takes it to the next day, Space drops it there.
  await keyboardDrag(page, chip(a + 2), ["ArrowRight"]);
  await chip(a + 3).waitFor();
  await until(page, async ([b, name, col, want]) => {
    const r = await fetch(`/api/v1/boards/${b}/items`);
    return (await r.json()).data.find((i) => i.name === name)?.values[col] === want;
  }, [board.id, "Launch party", due.id, `${month}-${pad(a + 3)}`]);
  // Keys pressed in a quick run each move on from where the last one went (two days back, one
  // on), not from where the page had drawn the item when the key came.
  await keyboardDrag(page, chip(a + 3), ["ArrowLeft", "ArrowLeft", "ArrowRight"], { pause: 0 });
  await chip(a + 2).waitFor();
  await until(page, async ([b, name, col, want]) => {
    const r = await fetch(`/api/v1/boards/${b}/items`);
    return (await r.json()).data.find((i) => i.name === name)?.values[col] === want;
  }, [board.id, "Launch party", due.id, `${month}-${pad(a + 2)}`]);
  // Saved as a view, it comes back on the same day after a reload, in the week too.
  await page.getByRole("button", { name: "+ Save view" }).click();
  await page.getByLabel("View name").fill("Due dates");
  await page.getByRole("button", { name: "Save view", exact: true }).click();
  await page.getByRole("button", { name: "Due dates" }).waitFor();
  await page.reload();
  await page.getByRole("button", { name: "Due dates" }).click();
  await chip(a + 2).waitFor();
  await page.screenshot({ path: path.join(shots, "calendar.png") });
  // A timeline's end dragged two days on stretches it.
  await page.getByLabel("Dates from").selectOption({ label: `Dates: ${timeline.title}` });
  await api(page, "PATCH", `/items/${(await made()).id}`, { values: { [timeline.id]: { from: `${month}-${pad(a)}`, to: `${month}-${pad(a + 1)}` } } });
  const end = day(a + 1).getByLabel("End of Launch party");
  await end.waitFor();
  await dragOnto(page, end, day(a + 3), { x: 10, y: 90 });
  await until(page, async ([b, name, col, want]) => {
    const r = await fetch(`/api/v1/boards/${b}/items`);
    return (await r.json()).data.find((i) => i.name === name)?.values[col]?.to === want;
  }, [board.id, "Launch party", timeline.id, `${month}-${pad(a + 3)}`]);
  await day(a + 2).locator('[data-item="Launch party"]').waitFor();
  await page.getByRole("button", { name: "Week" }).click();
  await page.locator(".calendar.week").waitFor();
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("the chart view counts items by status on the server, follows changes, sums a number, and keeps its settings in a saved view", async () => {
  const { page, errors, ctx, board, items } = await projectBoard("Chad", "chad@example.com");
  const status = board.columns.find((c) => c.type === "status");
  const budget = board.columns.find((c) => c.title === "Budget");
  // The chart asks for counts, not items: no page of items is read once it is open.
  const asked = [];
  page.on("request", (r) => {
    if (r.url().includes(`/boards/${board.id}/items`)) asked.push({ url: r.url(), body: r.postDataJSON?.() ?? null });
  });
  await page.getByRole("button", { name: "Chart", exact: true }).click();
  await page.locator(".chart-canvas canvas").waitFor();
  // The numbers drawn are in the chart's data table: a count per status label.
  const expect = (items) => {
    const countOf = (label) => String(items.filter((i) => i.values[status.id] === label.id).length);
    const want = status.settings.labels.filter((l) => countOf(l) !== "0").map((l) => [l.name, countOf(l)]);
    const none = items.filter((i) => !i.values[status.id]).length;
    if (none) want.push(["No value", String(none)]);
    return want;
  };
  const shows = (want) => until(page, (want) => {
    const rows = [...document.querySelectorAll('table[aria-label="Chart data"] tbody tr')].map((r) => [...r.children].map((c) => c.textContent));
    return JSON.stringify(rows) === JSON.stringify(want);
  }, want);
  await shows(expect(items));
  assert.ok(asked.length > 0 && asked.every((a) => a.url.endsWith("/items/query") && a.body.limit === 1 && a.body.group_by === status.id), JSON.stringify(asked));
  // Someone else's change shows in the bars within a moment.
  const other = status.settings.labels.find((l) => l.id !== items[0].values[status.id]);
  await api(page, "PATCH", `/items/${items[0].id}`, { values: { [status.id]: other.id } });
  const changed = items.map((i, n) => (n === 0 ? { ...i, values: { ...i.values, [status.id]: other.id } } : i));
  await shows(expect(changed));
  // The sum of the budget, as one number.
  await page.getByLabel("Chart", { exact: true }).selectOption("number");
  await page.getByLabel("Value").selectOption({ label: `Sum of ${budget.title}` });
  const sum = changed.reduce((s, i) => s + (Number(i.values[budget.id]) || 0), 0);
  await page.waitForFunction((want) => document.querySelector('[data-testid="chart-number"]')?.textContent === want, sum.toLocaleString("en"));
  // A stacked bar, saved and brought back.
  await page.getByLabel("Chart", { exact: true }).selectOption("stacked");
  await page.getByLabel("Stack by").selectOption({ index: 1 });
  await page.getByRole("button", { name: "+ Save view" }).click();
  await page.getByLabel("View name").fill("Budget chart");
  await page.getByRole("button", { name: "Save view", exact: true }).click();
  await page.getByRole("button", { name: "Budget chart" }).waitFor();
  await page.reload();
  await page.getByRole("button", { name: "Budget chart" }).click();
  await page.locator(".chart-canvas canvas").waitFor();
  assert.equal(await page.getByLabel("Chart", { exact: true }).inputValue(), "stacked");
  assert.equal(await page.getByLabel("Value").inputValue(), `sum:${budget.id}`);
  await page.screenshot({ path: path.join(shots, "chart.png") });
  const saved = (await api(page, "GET", `/boards/${board.id}/views`)).data.find((v) => v.name === "Budget chart");
  assert.equal(saved.type, "chart");
  assert.deepEqual(saved.settings.metric, { fn: "sum", column_id: budget.id });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("the timeline: drag a bar to move it, its end to stretch it, zoom, and keep it as a saved view", async () => {
  const { page, errors, ctx, board, items } = await projectBoard("Tim", "tim@example.com");
  const timeline = board.columns.find((c) => c.type === "timeline");
  const item = items[0];
  const plus = (n) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  await api(page, "PATCH", `/items/${item.id}`, { values: { [timeline.id]: { from: plus(0), to: plus(2) } } });
  await page.getByRole("button", { name: "Timeline", exact: true }).click();
  await page.getByLabel("Bars from").selectOption({ label: `Bars: ${timeline.title}` });
  await page.getByRole("button", { name: "Day", exact: true }).click();
  const bar = page.locator(`.timeline-bar[data-bar="${item.name}"]`);
  await bar.waitFor();
  assert.equal(Math.round((await bar.boundingBox()).width), 3 * 36, "three days at 36 px a day");
  const valueOf = async () => (await api(page, "GET", `/items/${item.id}`)).values[timeline.id];
  // Two days to the right.
  await dragBy(page, bar, 20, 72);
  await until(page, async ([id, col, want]) => {
    const r = await fetch(`/api/v1/items/${id}`);
    return (await r.json()).values[col]?.from === want;
  }, [item.id, timeline.id, plus(2)]);
  assert.deepEqual(await valueOf(), { from: plus(2), to: plus(4) });
  // The end one day further.
  const end = bar.getByLabel(`End of ${item.name}`);
  await dragBy(page, end, 3, 36);
  await until(page, async ([id, col, want]) => {
    const r = await fetch(`/api/v1/items/${id}`);
    return (await r.json()).values[col]?.to === want;
  }, [item.id, timeline.id, plus(5)]);
  // By the keyboard: Space lifts the bar, each arrow is a day (however quick the run), Space
  // drops it.
  await keyboardDrag(page, bar, ["ArrowLeft", "ArrowLeft"], { pause: 0 });
  await until(page, async ([id, col, want]) => {
    const r = await fetch(`/api/v1/items/${id}`);
    return (await r.json()).values[col]?.from === want;
  }, [item.id, timeline.id, plus(0)]);
  assert.deepEqual(await valueOf(), { from: plus(0), to: plus(3) });
  await page.screenshot({ path: path.join(shots, "timeline.png") });
  // Saved with its zoom, it comes back so after a reload; a date column makes milestones.
  await page.getByRole("button", { name: "+ Save view" }).click();
  await page.getByLabel("View name").fill("Plan");
  await page.getByRole("button", { name: "Save view", exact: true }).click();
  await page.getByRole("button", { name: "Plan" }).waitFor();
  await page.reload();
  await page.getByRole("button", { name: "Plan" }).click();
  await bar.waitFor();
  assert.equal(await page.getByRole("button", { name: "Day", exact: true }).getAttribute("aria-pressed"), "true");
  await page.getByLabel("Bars from").selectOption({ label: "Bars: Due date" });
  await page.locator(".timeline-bar.milestone").first().waitFor();
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("the timeline draws dependencies as arrows, and dragging a predecessor shifts its dependent", async () => {
  const { page, errors, ctx, board, items } = await projectBoard("Dee", "dee@example.com");
  const timeline = board.columns.find((c) => c.type === "timeline");
  const plus = (n) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  const deps = await api(page, "POST", `/boards/${board.id}/columns`, { title: "Depends on", type: "dependency", settings: { date_column_id: timeline.id, mode: "keep_gap" } });
  const [first, second] = items;
  await api(page, "PATCH", `/items/${first.id}`, { values: { [timeline.id]: { from: plus(0), to: plus(1) } } });
  await api(page, "PATCH", `/items/${second.id}`, { values: { [timeline.id]: { from: plus(3), to: plus(4) }, [deps.id]: { item_ids: [first.id] } } });
  await page.getByRole("button", { name: "Timeline", exact: true }).click();
  await page.getByLabel("Bars from").selectOption({ label: `Bars: ${timeline.title}` });
  await page.getByRole("button", { name: "Day", exact: true }).click();
  const arrow = page.locator(`.timeline-arrows path[data-from="${first.id}"][data-to="${second.id}"]`);
  await arrow.waitFor();
  assert.equal(await arrow.getAttribute("class"), null, "on time: not late");
  // The predecessor dragged two days later: its dependent keeps the gap, live.
  await dragBy(page, page.locator(`.timeline-bar[data-bar="${first.name}"]`), 10, 72);
  await until(page, async ([id, col, want]) => {
    const r = await fetch(`/api/v1/items/${id}`);
    return (await r.json()).values[col]?.from === want;
  }, [second.id, timeline.id, plus(5)]);
  const dependent = page.locator(`.timeline-bar[data-bar="${second.name}"]`);
  await page.waitForFunction(([sel, want]) => document.querySelector(sel)?.getAttribute("title")?.startsWith(want), [`.timeline-bar[data-bar="${second.name}"]`, plus(5)]);
  assert.ok(await dependent.isVisible());
  await page.screenshot({ path: path.join(shots, "timeline-dependencies.png") });
  // Its dependent pulled before its end: the arrow turns red.
  await api(page, "PATCH", `/items/${second.id}`, { values: { [timeline.id]: { from: plus(0), to: plus(0) } } });
  await page.locator(`.timeline-arrows path.late[data-to="${second.id}"]`).waitFor();
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("the workload: loads by person and week against a capacity, an item dragged to another person and week, kept in a saved view", async () => {
  const { page, errors, ctx } = await s.newUser("Wendy", "wendy@example.com");
  const me = (await api(page, "GET", "/me")).user.id;
  const ws = (await api(page, "GET", "/workspaces")).data[0];
  const board = await api(page, "POST", "/boards", { name: "Sprint load", workspace_id: ws.id });
  const col = async (title, type) => (await api(page, "POST", `/boards/${board.id}/columns`, { title, type })).id;
  const owner = board.columns.find((c) => c.type === "people").id;
  const when = board.columns.find((c) => c.type === "date").id;
  const points = await col("Points", "number");
  const day = (d) => d.toISOString().slice(0, 10);
  const monday = new Date();
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
  const next = new Date(monday.getTime() + 7 * 86400000);
  const group = board.groups[0].id;
  for (const [name, who, date, pts] of [["Alpha", [me], monday, 3], ["Beta", [me], monday, 4], ["Gamma", [], next, 2]]) {
    await api(page, "POST", `/boards/${board.id}/items`, { name, group_id: group, values: { [owner]: who.length ? who : undefined, [when]: day(date), [points]: pts } });
  }
  // Far from the weeks shown: not asked for, not counted.
  await api(page, "POST", `/boards/${board.id}/items`, { name: "Later", group_id: group, values: { [owner]: [me], [when]: "2099-01-05", [points]: 9 } });
  await page.goto(`${s.base}/boards/${board.id}`);
  await row(page, "Alpha").waitFor();
  const asked = [];
  page.on("request", (r) => r.url().endsWith("/items/query") && asked.push(r.postDataJSON()));
  await page.getByRole("button", { name: "Workload", exact: true }).click();
  const cell = (person, d) => page.locator(`tr[data-person="${person}"] td[data-week="${day(d)}"]`);
  await cell("Wendy", monday).getByText("2", { exact: true }).waitFor();
  await cell("Unassigned", next).getByText("1", { exact: true }).waitFor();
  // The items of the weeks shown come from the server's query of those days.
  const between = asked.map((b) => JSON.stringify(b.filter)).filter((f) => f.includes('"between"') && f.includes(when));
  assert.equal(between.length, 1, JSON.stringify(asked));
  const [from, to] = JSON.parse(between[0]).value;
  assert.ok(from <= day(monday) && to >= day(next) && to < "2099-01-05", between[0]);
  // Summing points against a capacity of 5: this week is over.
  await page.getByLabel("Load", { exact: true }).selectOption({ label: "Sum of Points" });
  await page.getByLabel("Capacity a week").fill("5");
  await cell("Wendy", monday).getByText("7", { exact: true }).waitFor();
  assert.match(await cell("Wendy", monday).getAttribute("class"), /over/);
  // Gamma, dragged from nobody next week to Wendy this week: assigned, and a week earlier.
  await cell("Unassigned", next).getByRole("button").click();
  await dragOnto(page, page.locator(".workload-items li", { hasText: "Gamma" }), cell("Wendy", monday));
  await cell("Wendy", monday).getByText("9", { exact: true }).waitFor();
  await until(page, async ([b, o, w, me, want]) => {
    const g = (await (await fetch(`/api/v1/boards/${b}/items`)).json()).data.find((i) => i.name === "Gamma");
    return g?.values[o]?.[0] === me && g.values[w] === want;
  }, [board.id, owner, when, me, day(monday)]);
  // Saved, reloaded: the sum and the capacity come back.
  await page.getByRole("button", { name: "+ Save view" }).click();
  await page.getByLabel("View name").fill("Load by points");
  await page.getByRole("button", { name: "Save view", exact: true }).click();
  await page.getByRole("button", { name: "Load by points" }).waitFor();
  await page.reload();
  await page.getByRole("button", { name: "Load by points" }).click();
  await cell("Wendy", monday).getByText("9", { exact: true }).waitFor();
  assert.equal(await page.getByLabel("Capacity a week").inputValue(), "5");
  await page.screenshot({ path: path.join(shots, "workload.png") });
  assert.deepEqual(errors, []);
  await ctx.close();
});
