// Browser tests of the main table on real boards: tall boards scroll as one bounded list down
// to the last group, frame times while scrolling a 5,000-item board, "Add item" under a
// group-by lane, popups (label palettes, the add-column form) that close and stay on screen, and
// a large search that shows the server's totals and fetches its matches as they come into view,
// the timings of opening a 5,000-item board and of a search keystroke, and a 100,000-item board
// that opens with one page of items and fetches more as they come into view, and the timeline on
// a board larger than a page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { api, row, sunday } from "./harness.mjs";

const s = sunday();

/** A blank board with `groups` groups of `perGroup` items named "<group> <n>", plus the board's
 * own (empty) template groups above them. Items are created in chunks of 1,000 (of `parallel`
 * groups at a time). */
async function boardWithGroups(page, groups, perGroup, values = () => undefined, parallel = 1) {
  await page.getByRole("button", { name: /Blank board/ }).click();
  await page.getByRole("heading", { name: "New board" }).waitFor();
  const board = (await api(page, "GET", "/boards")).data[0];
  const made = [];
  for (let g = 0; g < groups; g++) {
    made.push(await api(page, "POST", `/boards/${board.id}/groups`, { title: `Group ${"ABCDEFGHIJ"[g]}`, color: "blue" }));
  }
  const full = await api(page, "GET", `/boards/${board.id}`);
  const items = made.flatMap((g) => Array.from({ length: perGroup }, (_, n) => ({ name: `${g.title} ${n + 1}`, group_id: g.id, values: values(full, n) })));
  if (parallel > 1) {
    // Groups side by side, each group's chunks in order (so a group's items keep their order).
    for (let k = 0; k < perGroup; k += 1000) {
      for (let g = 0; g < groups; g += parallel) {
        const chunks = made.slice(g, g + parallel).map((_, j) => items.slice((g + j) * perGroup + k, (g + j) * perGroup + Math.min(k + 1000, perGroup)));
        await Promise.all(chunks.map((chunk) => api(page, "POST", `/boards/${board.id}/items/bulk`, { items: chunk })));
      }
    }
    return { board: full, groups: made };
  }
  for (let k = 0; k < items.length; k += 1000) {
    await api(page, "POST", `/boards/${board.id}/items/bulk`, { items: items.slice(k, k + 1000) });
  }
  return { board: full, groups: made };
}

/** Whether any item row is on screen (a jump must not land on a blank page). */
const rowsOnScreen = (page) =>
  page.evaluate(() => [...document.querySelectorAll("tr[data-item]")].some((tr) => {
    const r = tr.getBoundingClientRect();
    return r.bottom > 0 && r.top < innerHeight && r.height > 0;
  }));

/** The table's scroller: the page itself does not scroll, the table does (both ways). */
const docHeight = (page) => page.evaluate(() => {
  const root = document.documentElement;
  if (root.scrollHeight > root.clientHeight + 1) throw new Error(`the page scrolls (${root.scrollHeight} px)`);
  return document.querySelector(".table-wrap").scrollHeight;
});
const scroller = (page) => page.locator(".table-wrap");

/** From a click on a board's name in the sidebar to its row `first` on screen, in ms, timed in
 * the page (a capturing click listener and a mutation observer). */
async function timeOpen(page, name, first) {
  const done = page.evaluate((first) => new Promise((resolve) => {
    let clicked = 0;
    addEventListener("click", () => (clicked = performance.now()), { capture: true, once: true });
    const watch = new MutationObserver(() => {
      if (clicked && document.querySelector(`tr[data-item="${first}"]`)) {
        watch.disconnect();
        resolve(performance.now() - clicked);
      }
    });
    watch.observe(document.body, { childList: true, subtree: true });
  }), first);
  await page.waitForTimeout(50);
  await page.getByRole("complementary", { name: "Sidebar" }).getByRole("button", { name: `▦ ${name}` }).click();
  return done;
}

test("a tall board (5 groups × 40 items) scrolls as one bounded list to its last group", async () => {
  const { page, errors, ctx } = await s.newUser("Tall", "tall@example.com");
  const { groups } = await boardWithGroups(page, 5, 40);
  const last = groups[groups.length - 1].title;
  await page.reload();
  await row(page, "Group A 1").waitFor();
  const initial = await docHeight(page);
  // 200 rows of ~37 px and seven groups' titles, headers and footers: well under 12,000 px.
  assert.ok(initial < 12000, `document height ${initial} px`);

  // Rows that stay in the window are kept, not rebuilt, as the window moves.
  await scroller(page).evaluate((el) => el.scrollTo(0, 1200));
  await page.waitForTimeout(100);
  await row(page, "Group A 36").evaluate((tr) => (tr.dataset.kept = "yes"));
  await scroller(page).evaluate((el) => el.scrollBy(0, 120));
  await page.waitForTimeout(100);
  assert.equal(await row(page, "Group A 36").getAttribute("data-kept"), "yes", "a row still in view is the same element");
  await scroller(page).evaluate((el) => el.scrollTo(0, 0));

  // Wheel down, as a person would, until the last group's last row shows.
  await page.mouse.move(640, 500);
  let reached = false;
  for (let k = 0; k < 60 && !reached; k++) {
    await page.mouse.wheel(0, 400);
    await page.waitForTimeout(30);
    reached = await row(page, `${last} 40`).isVisible();
  }
  const wheeled = await docHeight(page);
  assert.ok(reached, `wheel scrolling reached "${last} 40" (table ${wheeled} px, scrolled to ${await scroller(page).evaluate((el) => el.scrollTop)})`);
  assert.ok(wheeled < initial + 1000, `the document stays bounded while scrolling (${initial} → ${wheeled} px)`);

  // The keyboard (on the table, which takes focus): Home, then End, lands on the last rows;
  // PageUp shows rows too.
  await scroller(page).focus();
  await page.keyboard.press("Home");
  await row(page, "Group A 1").waitFor();
  await page.keyboard.press("End");
  await page.waitForTimeout(300);
  const ended = await docHeight(page);
  assert.ok(ended < initial + 1000, `End keeps the document bounded (${initial} → ${ended} px)`);
  await row(page, `${last} 40`).waitFor({ timeout: 3000 });
  assert.ok(await row(page, `${last} 40`).isVisible(), "End shows the last row");
  await page.keyboard.press("PageUp");
  await page.waitForTimeout(200);
  assert.ok(await rowsOnScreen(page), "rows show after PageUp");

  // Jumping to the middle shows rows, not a blank screen.
  await scroller(page).evaluate((el) => el.scrollTo(0, el.scrollHeight / 2));
  await page.waitForTimeout(300);
  assert.ok(await rowsOnScreen(page), "rows show after jumping to the middle");
  assert.ok((await page.locator("tr[data-item]").count()) < 120, "only rows near the viewport are rendered");
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("scrolling a 5,000-item board keeps frames short (requestAnimationFrame deltas)", async () => {
  const { page, errors, ctx } = await s.newUser("Frames", "frames@example.com");
  // Five groups of 1,000 items, each with a status, so rows render pills as well as text.
  const status = (board) => board.columns.find((c) => c.type === "status");
  const { board } = await boardWithGroups(page, 5, 1000, (full, n) => {
    const labels = status(full).settings.labels;
    return { [status(full).id]: labels[n % labels.length].id };
  });
  assert.ok(status(board));
  await page.reload();
  await row(page, "Group A 1").waitFor({ timeout: 20000 });
  await page.waitForTimeout(500);
  // Scroll 120 px every frame (a fast fling: ~7,000 px/s) for up to 400 frames and record the
  // time between frames: long frames are what a person sees as stutter. Frames come at the
  // display's rate (16.7 ms) while the work fits, so also record the work itself: from the
  // frame's start (the scroll event and the table's render run before this callback) to the
  // end of the layout forced here.
  const { deltas, busy } = await page.evaluate(() => new Promise((resolve) => {
    const wrap = document.querySelector(".table-wrap");
    const deltas = [];
    const busy = [];
    let last = 0;
    const step = (t) => {
      document.documentElement.offsetHeight;
      busy.push(performance.now() - t);
      if (last) deltas.push(t - last);
      last = t;
      if (deltas.length >= 400 || wrap.scrollTop + wrap.clientHeight >= wrap.scrollHeight - 2) return resolve({ deltas, busy });
      wrap.scrollBy(0, 120);
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  }));
  const pct = (xs, p) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(1);
  };
  const p50 = pct(deltas, 50);
  const p95 = pct(deltas, 95);
  const height = await docHeight(page);
  console.log(`# 5,000-item board: ${deltas.length} frames while scrolling 120 px a frame: frame time p50 ${p50} ms, p95 ${p95} ms, max ${pct(deltas, 100)} ms; work per frame p50 ${pct(busy, 50)} ms, p95 ${pct(busy, 95)} ms; document ${height} px`);
  assert.ok(deltas.length >= 100, `scrolled for ${deltas.length} frames`);
  assert.ok(await rowsOnScreen(page), "rows show after the fling");
  // Generous: a loaded CI machine must not make this flaky; the numbers above are the record.
  assert.ok(Number(p95) < 100, `p95 frame time ${p95} ms`);
  assert.ok(height < 5000 * 45, `document height ${height} px is bounded by the rows`);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("with group-by Status, 'Add item' under a lane gives the item that lane's status", async () => {
  const { page, errors, ctx } = await s.newUser("Lane", "lane@example.com");
  await page.getByRole("button", { name: /Project tracker/ }).click();
  await row(page, "Design landing page").waitFor();
  await page.getByText("● Live").waitFor();
  const board = (await api(page, "GET", "/boards")).data[0];
  const full = await api(page, "GET", `/boards/${board.id}`);
  const status = full.columns.find((c) => c.title === "Status");
  const done = status.settings.labels.find((l) => l.name === "Done");

  await page.getByLabel("Group by").selectOption({ label: "Group: Status" });
  await page.getByLabel("Add item to Done").fill("Ship it");
  await page.keyboard.press("Enter");
  await row(page, "Ship it").waitFor();
  const items = (await api(page, "POST", `/boards/${board.id}/items/query`, {})).data;
  assert.equal(items.find((i) => i.name === "Ship it")?.values[status.id], done.id, "the new item has the lane's status");
  assert.equal(await row(page, "Ship it").getAttribute("data-group"), "Done", "and shows in the Done lane");
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("label palettes close on Escape and outside clicks, one at a time; the add-column form stays on screen", async () => {
  const { page, errors, ctx } = await s.newUser("Keys", "keys@example.com");
  await page.getByRole("button", { name: /Project tracker/ }).click();
  await row(page, "Design landing page").waitFor();
  const palettes = page.locator(".palette");
  const statusOf = (name) => row(page, name).locator('td[data-column="Status"]');
  const priorityOf = (name) => row(page, name).locator('td[data-column="Priority"]');

  // Opened from the keyboard, Escape closes it and the value stays.
  await statusOf("Design landing page").focus();
  await page.keyboard.press("Enter");
  await palettes.first().waitFor();
  await page.keyboard.press("Escape");
  await page.waitForTimeout(100);
  assert.equal(await palettes.count(), 0, "Escape closes the status palette");
  assert.match(await statusOf("Design landing page").innerText(), /Stuck/);

  // A click outside closes it.
  await priorityOf("Design landing page").focus();
  await page.keyboard.press("Enter");
  await palettes.first().waitFor();
  await page.getByRole("heading", { name: "Project tracker" }).click();
  await page.waitForTimeout(100);
  assert.equal(await palettes.count(), 0, "an outside click closes the priority palette");

  // Moving to another cell with the arrows and opening its palette leaves one open.
  await statusOf("Design landing page").focus();
  await page.keyboard.press("Enter");
  await palettes.first().waitFor();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.waitForTimeout(100);
  assert.equal(await palettes.count(), 1, "only one palette is open");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Enter");
  await page.waitForTimeout(100);
  assert.equal(await palettes.count(), 1, "still one after moving to the priority cell");
  await page.keyboard.press("Escape");
  // Mouse: opening a second palette closes the first.
  await statusOf("Design landing page").click();
  await priorityOf("Set up analytics").click();
  await page.waitForTimeout(100);
  assert.equal(await palettes.count(), 1, "one palette after two clicks");
  await page.keyboard.press("Escape");

  // Many columns: the add-column button sits at the right edge; its form must fit on screen.
  const board = (await api(page, "GET", "/boards")).data[0];
  for (let k = 1; k <= 6; k++) await api(page, "POST", `/boards/${board.id}/columns`, { title: `Extra ${k}`, type: "text" });
  await page.locator('th[data-header="Extra 6"]').first().waitFor();
  const add = page.getByRole("button", { name: "Add column" }).first();
  await add.scrollIntoViewIfNeeded();
  await add.click();
  const form = page.locator(".palette.menu");
  await form.waitFor();
  const box = await form.boundingBox();
  const width = await page.evaluate(() => document.documentElement.clientWidth);
  assert.ok(box.x >= 0 && box.x + box.width <= width, `the add-column form (${Math.round(box.x)}–${Math.round(box.x + box.width)} px) fits the ${width} px viewport`);
  // Not clipped by the table's scroller either: its far corner is the form itself.
  const inside = await form.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.right - 3, r.bottom - 3);
    return !!hit && el.contains(hit);
  });
  assert.ok(inside, "the add-column form is not clipped");
  await page.keyboard.press("Escape");
  await page.waitForTimeout(100);
  assert.equal(await form.count(), 0, "Escape closes the add-column form");
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("a search over 5,000 items shows the server's totals at once and fetches further matches as they scroll into view", async () => {
  const { page, errors, ctx } = await s.newUser("Search", "search@example.com");
  await boardWithGroups(page, 5, 1000);
  await page.reload();
  await row(page, "Group A 1").waitFor({ timeout: 20000 });
  const pages = [];
  page.on("request", (r) => {
    if (!r.url().endsWith("/items/query") || !r.postData()?.includes('"and"') || JSON.parse(r.postData()).footers) return;
    pages.push(JSON.parse(r.postData()).cursor ?? null);
  });
  // "9" matches 271 of each group's 1,000 names: 1,355 in all, three pages of 500.
  const perGroup = Array.from({ length: 1000 }, (_, n) => String(n + 1)).filter((n) => n.includes("9")).length;
  await page.getByLabel("Search", { exact: true }).fill("9");
  await page.getByTestId("results").filter({ hasText: `${perGroup * 5} results` }).waitFor({ timeout: 10000 });
  const title = (g) => page.locator(".group-title", { hasText: `Group ${g}` }).locator(".count");
  assert.equal(await title("A").innerText(), `${perGroup} items`, "group counts are the server's, not the first page's");
  await page.waitForTimeout(500);
  assert.deepEqual(pages, [null], "only the first page is fetched before scrolling");

  // Scrolling to the end brings the last matches, fetched as their places come into view.
  await scroller(page).focus();
  for (let k = 0; k < 10 && !(await row(page, "Group E 999").isVisible()); k++) {
    await page.keyboard.press("End");
    await page.waitForTimeout(400);
  }
  assert.ok(await row(page, "Group E 999").isVisible(), `the last match shows after scrolling (pages fetched: ${pages.length})`);
  assert.ok(pages.length >= 2 && pages.slice(1).every((c) => c), "further pages were fetched by cursor");
  assert.equal(await page.getByTestId("results").innerText(), `${perGroup * 5} results`);
  assert.equal(await page.locator("tr.pending-row").count(), 0, "no kept places once every match is fetched");

  // The kanban's lanes count every match of a fresh search (the server's count per lane).
  await page.getByLabel("Search", { exact: true }).fill("99");
  await page.getByRole("button", { name: "Kanban" }).click();
  await page.getByLabel("Search", { exact: true }).fill("9");
  await page.locator('[data-lane="No value"] .lane-head span').filter({ hasText: String(perGroup * 5) }).waitFor({ timeout: 10000 });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("timings on a 5,000-item board: board open to first rows, search keystroke to results", async () => {
  const { page, errors, ctx } = await s.newUser("Timer", "timer@example.com");
  const { board } = await boardWithGroups(page, 5, 1000);
  await api(page, "PATCH", `/boards/${board.id}`, { name: "Big board" });
  await api(page, "POST", "/boards", { name: "Small board", workspace_id: board.workspace_id });
  await page.reload();
  const sidebar = page.getByRole("complementary", { name: "Sidebar" });
  let pages = 0;
  page.on("request", (r) => r.url().endsWith("/items/query") && pages++);
  const opened = [];
  for (let k = 0; k < 3; k++) {
    await sidebar.getByRole("button", { name: "▦ Small board" }).click();
    await page.getByRole("heading", { name: "Small board" }).waitFor();
    pages = 0;
    opened.push(await timeOpen(page, "Big board", "Group A 1"));
  }
  const fetched = pages;
  // Each keystroke's results: from the key going down in the search box to the server's total
  // shown and the first match's row on screen.
  const box = page.getByLabel("Search", { exact: true });
  await box.focus();
  const searched = [];
  const matching = (q) => 5 * Array.from({ length: 1000 }, (_, n) => String(n + 1)).filter((n) => n.includes(q)).length;
  for (const [key, q, first] of [["9", "9", "Group A 9"], ["9", "99", "Group A 99"], ["Backspace", "9", "Group A 9"], ["7", "97", "Group A 97"]]) {
    const want = `${matching(q)} results`;
    const done = page.evaluate(([want, first]) => new Promise((resolve) => {
      let pressed = 0;
      addEventListener("keydown", () => (pressed = performance.now()), { capture: true, once: true });
      const check = () => {
        if (!pressed || document.querySelector('[data-testid="results"]')?.textContent !== want || !document.querySelector(`tr[data-item="${first}"]`)) return;
        watch.disconnect();
        resolve(performance.now() - pressed);
      };
      const watch = new MutationObserver(check);
      watch.observe(document.body, { childList: true, subtree: true, characterData: true });
    }), [want, first]);
    await page.waitForTimeout(50);
    await page.keyboard.press(key);
    searched.push(await done);
    await page.waitForTimeout(200);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ms = (xs) => xs.map((x) => x.toFixed(0)).join(", ");
  console.log(`# 5,000-item board: board open to first rows ${median(opened).toFixed(0)} ms median (${ms(opened)} ms, ${fetched} item pages by then; goal < 500 ms); search keystroke to results ${median(searched).toFixed(0)} ms median (${ms(searched)} ms; goal < 100 ms)`);
  // Generous bounds (5× the goals): a loaded machine must not make this flaky; the numbers
  // above are the record (BENCHMARKS.md).
  assert.ok(fetched >= 1, "opening the board fetched its items");
  assert.ok(median(opened) < 2500, `board open to first rows ${median(opened)} ms`);
  assert.ok(median(searched) < 500, `search keystroke to results ${median(searched)} ms`);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("a 100,000-item board opens without fetching every item, and fetches pages as its rows come into view", async () => {
  const { page, errors, ctx } = await s.newUser("Huge", "huge@example.com");
  const seeding = Date.now();
  const { board } = await boardWithGroups(page, 4, 25000, undefined, 4);
  const seeded = Date.now() - seeding;
  await api(page, "PATCH", `/boards/${board.id}`, { name: "Huge board" });
  await api(page, "POST", "/boards", { name: "Small board", workspace_id: board.workspace_id });
  await page.reload();
  await page.getByRole("complementary", { name: "Sidebar" }).getByRole("button", { name: "▦ Small board" }).click();
  await page.getByRole("heading", { name: "Small board" }).waitFor();
  const pages = [];
  page.on("request", (r) => {
    if (!r.url().endsWith("/items/query")) return;
    const body = JSON.parse(r.postData());
    if (body.footers) return;
    pages.push({ cursor: body.cursor ?? null, groups: body.filter?.value ?? null });
  });
  const opened = await timeOpen(page, "Huge board", "Group A 1");
  await page.waitForTimeout(500);
  assert.deepEqual(pages, [{ cursor: null, groups: null }], "one page of items when the board opens");
  // The server's counts: every group says how many items it has, fetched or not.
  assert.equal(await page.locator(".group-title", { hasText: "Group A" }).locator(".count").innerText(), "25000 items");

  // Scrolling down the first group fetches the next pages as their places come into view.
  for (let k = 0; k < 40 && !(await row(page, "Group A 700").isVisible()); k++) {
    await scroller(page).evaluate((el) => el.scrollBy(0, 1500));
    await page.waitForTimeout(150);
  }
  assert.ok(await row(page, "Group A 700").isVisible(), `row 700 shows after scrolling (${pages.length} pages fetched)`);
  const groupA = (await api(page, "GET", `/boards/${board.id}`)).groups.find((g) => g.title === "Group A").id;
  assert.ok(pages.length >= 2 && pages.length <= 6, `pages fetched while scrolling: ${pages.length}`);
  assert.ok(pages.slice(1).every((p) => p.groups?.length === 1 && p.groups[0] === groupA), "each a page of the group scrolled through");
  assert.ok((await page.locator("tr[data-item]").count()) < 200, "only rows near the viewport are rendered");
  console.log(`# 100,000-item board: first rows ${opened.toFixed(0)} ms after the click (goal < 1,000 ms), ${pages.length} pages of 500 fetched after scrolling to row 700 (seeded in ${seeded} ms)`);
  // Generous: the goal is 1 s; a loaded machine must not make this flaky.
  assert.ok(opened < 5000, `first rows after ${opened} ms`);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("a group whose rows are not all fetched shows the server's footer, and it follows changes", async () => {
  const { page, errors, ctx } = await s.newUser("Footers", "footers@example.com");
  const status = (board) => board.columns.find((c) => c.type === "status");
  const labelOf = (full, n) => status(full).settings.labels[n % status(full).settings.labels.length];
  // Two groups of 600: the board's first page (500) leaves most of it to fetch.
  const due = (board) => board.columns.find((c) => c.type === "date");
  const { board } = await boardWithGroups(page, 2, 600, (full, n) => ({ [status(full).id]: labelOf(full, n).id, [due(full).id]: `2026-03-${String(1 + (n % 28)).padStart(2, "0")}` }));
  const labels = status(board).settings.labels;
  const battery = (counts) => labels.map((l) => `${l.name}: ${counts.get(l.id) ?? 0}`).join(", ");
  const expected = new Map();
  for (let n = 0; n < 600; n++) expected.set(labelOf(board, n).id, (expected.get(labelOf(board, n).id) ?? 0) + 1);
  // Hold the board's pages of items (not its footers, nor this test's own queries) once it is
  // open, so the second group stays unfetched while its footer is on screen.
  let open = false;
  const held = [];
  await page.route("**/items/query", (route) => {
    const body = JSON.parse(route.request().postData() ?? "{}");
    if (open && body.group_by === "group" && !body.footers) held.push(route);
    else route.continue();
  });
  await page.reload();
  await row(page, "Group A 1").waitFor({ timeout: 20000 });
  open = true;
  await scroller(page).focus();
  const foot = page.locator('tr.foot-row[data-group="Group B"] .battery');
  // The rows' heights are estimates until rendered: End may take a few presses to reach the end.
  for (let k = 0; k < 10 && !(await foot.isVisible()); k++) {
    await page.keyboard.press("End");
    await page.waitForTimeout(300);
  }
  assert.ok((await page.locator('tr.pending-row[data-group="Group B"]').count()) > 0, "the group's rows are still to fetch");
  await eventually(async () => (await foot.getAttribute("title")) === battery(expected), "the server's footer");
  const span = page.locator('tr.foot-row[data-group="Group B"] .day-span');
  assert.equal(await span.innerText(), "Mar 1 – Mar 28", "the date column's earliest and latest day");

  // Someone else sets the status of an item not fetched here: the footer follows.
  const query = { filter: { column: "name", op: "contains", value: "Group B 600" } };
  const last = (await api(page, "POST", `/boards/${board.id}/items/query`, query)).data[0];
  const was = last.values[status(board).id];
  const other = labels.find((l) => l.id !== was);
  await api(page, "PATCH", `/items/${last.id}`, { values: { [status(board).id]: other.id } });
  expected.set(was, expected.get(was) - 1);
  expected.set(other.id, (expected.get(other.id) ?? 0) + 1);
  await eventually(async () => (await foot.getAttribute("title")) === battery(expected), "the footer after a change");

  // Once every row is here, the footer added up from the rows says the same.
  open = false;
  for (const r of held.splice(0)) await r.continue();
  for (let k = 0; k < 20 && (await page.locator("tr.pending-row").count()) > 0; k++) {
    await page.keyboard.press("End");
    await page.waitForTimeout(300);
  }
  assert.equal(await page.locator("tr.pending-row").count(), 0, "every row fetched");
  assert.equal(await foot.getAttribute("title"), battery(expected));
  assert.equal(await span.innerText(), "Mar 1 – Mar 28");
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("the timeline on a board larger than a page: one page when it opens, an axis over every item, the rest fetched as it scrolls into view", async () => {
  const { page, errors, ctx } = await s.newUser("Planner", "planner@example.com");
  const due = (board) => board.columns.find((c) => c.type === "date");
  const { board } = await boardWithGroups(page, 2, 800, (full, n) => ({ [due(full).id]: `2027-01-${String(1 + (n % 28)).padStart(2, "0")}` }));
  // The last item is due in November, far after every other: only the server's footers know it
  // until its page is fetched.
  const last = (await api(page, "POST", `/boards/${board.id}/items/query`, { filter: { column: "name", op: "contains", value: "Group B 800" } })).data[0];
  await api(page, "PATCH", `/items/${last.id}`, { values: { [due(board).id]: "2027-11-24" } });
  await page.reload();
  await row(page, "Group A 1").waitFor({ timeout: 20000 });
  const pages = [];
  page.on("request", (r) => {
    if (!r.url().endsWith("/items/query")) return;
    const body = JSON.parse(r.postData());
    if (!body.footers) pages.push(body.cursor ?? null);
  });
  await page.getByRole("button", { name: "Timeline", exact: true }).click();
  await page.getByLabel("Bars from").selectOption({ label: `Bars: ${due(board).title}` });
  await page.getByRole("button", { name: "Month", exact: true }).click();
  await page.locator('.timeline-row[data-item="Group A 1"]').waitFor();
  await page.waitForTimeout(500);
  assert.deepEqual(pages, [], "opening the timeline fetches no more items than the table had");
  await page.locator(".timeline-tick", { hasText: "Nov 2027" }).waitFor({ timeout: 5000 });
  // Places are kept for the items not fetched yet: the rows are as tall as every item's.
  const height = await page.locator(".timeline-rows").evaluate((el) => el.getBoundingClientRect().height);
  assert.ok(height >= 1600 * 32, `rows for all 1,600 items: ${height} px`);

  // Scrolling to the end fetches the rest a page at a time as their places come into view.
  const end = page.locator('.timeline-row[data-item="Group B 800"]');
  for (let k = 0; k < 80 && !(await end.isVisible()); k++) {
    await page.getByTestId("timeline").evaluate((el) => el.scrollBy(0, 2000));
    await page.waitForTimeout(150);
  }
  assert.ok(await end.isVisible(), `the last item shows after scrolling (${pages.length} pages fetched)`);
  assert.ok(pages.length >= 3 && pages.length <= 6, `pages of 500 fetched while scrolling: ${pages.length}`);
  assert.equal(await end.locator(".timeline-bar").getAttribute("title"), "2027-11-24 – 2027-11-24");
  assert.ok((await page.locator(".timeline-row").count()) < 200, "only rows near the viewport are rendered");
  assert.deepEqual(errors, []);
  await ctx.close();
});

/** Waits until `check` (run here, not in the page) holds. */
async function eventually(check, what, timeout = 10_000) {
  const end = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`still not so after ${timeout} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test("on a board larger than a page, a search shows matches not fetched yet, and one deleted leaves", async () => {
  const { page, errors, ctx } = await s.newUser("Part", "part@example.com");
  await boardWithGroups(page, 2, 600);
  await page.reload();
  await row(page, "Group A 1").waitFor({ timeout: 20000 });
  assert.equal(await page.locator(".group-title", { hasText: "Group A" }).locator(".count").innerText(), "600 items");
  // Group B's last rows are not among the first page's items: the search brings them.
  await page.getByLabel("Search", { exact: true }).fill("Group B 59");
  await page.getByTestId("results").filter({ hasText: "11 results" }).waitFor({ timeout: 5000 });
  await row(page, "Group B 595").waitFor({ timeout: 3000 });
  assert.equal(await page.locator("tr[data-item]").count(), 11);
  await page.getByLabel("Select Group B 595").check();
  await page.getByRole("toolbar", { name: "Selected items" }).getByRole("button", { name: "Delete" }).click();
  await row(page, "Group B 595").waitFor({ state: "detached", timeout: 3000 });
  assert.equal(await page.locator("tr[data-item]").count(), 10);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("sorted, a board larger than a page shows each group's first rows in the server's order and fetches the rest as they scroll into view", async () => {
  const { page, errors, ctx } = await s.newUser("Sorter", "sorter@example.com");
  const due = (board) => board.columns.find((c) => c.type === "date");
  const day = (n) => `2026-03-${String(1 + ((n * 7919) % 28)).padStart(2, "0")}`;
  const { board, groups } = await boardWithGroups(page, 2, 600, (full, n) => ({ [due(full).id]: day(n) }));
  await page.reload();
  await row(page, "Group A 1").waitFor({ timeout: 20000 });
  // Every item of a group in the sort's order, as the server pages it.
  const order = async (group) => {
    const names = [];
    let cursor = null;
    do {
      const p = await api(page, "POST", `/boards/${board.id}/items/query`, { filter: { column: "group", op: "any_of", value: [group.id] }, sort: [{ column: due(board).id, dir: "asc" }], limit: 500, cursor });
      names.push(...p.data.map((i) => i.name));
      cursor = p.next_cursor;
    } while (cursor);
    return names;
  };
  const [a, b] = [await order(groups[0]), await order(groups[1])];
  // The table's own sorted queries (the board's pages and this test's are not sorted or come before).
  const sorted = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/items/query") && r.postDataJSON()?.sort) sorted.push(r.postDataJSON());
  });
  await page.getByLabel("Sort by").selectOption({ label: due(board).title });
  const shown = () => page.locator("tr[data-item]").evaluateAll((rs) => rs.map((r) => r.getAttribute("data-item")));
  await eventually(async () => JSON.stringify((await shown()).slice(0, 5)) === JSON.stringify(a.slice(0, 5)), "Group A's first rows in order");
  await page.waitForTimeout(500);
  assert.equal(sorted.length, 1, `one page asked for, not every item: ${JSON.stringify(sorted.map((q) => [q.cursor, q.limit, q.group_by]))}`);
  // At the end, Group B's last rows, fetched as they came into view.
  await scroller(page).focus();
  for (let k = 0; k < 20 && JSON.stringify((await shown()).slice(-5)) !== JSON.stringify(b.slice(-5)); k++) {
    await page.keyboard.press("End");
    await page.waitForTimeout(300);
  }
  assert.deepEqual((await shown()).slice(-5), b.slice(-5));
  assert.ok(sorted.length > 1 && sorted.every((q) => q.sort[0].column === due(board).id), "further pages in the same order");
  assert.deepEqual(errors, []);
  await ctx.close();
});
