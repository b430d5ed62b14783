// Browser tests of everyday work on a board: undoing moves and archives (toast and Ctrl+Z), a
// kanban lane of hundreds of cards, the filter builder in words with several values and OR,
// avatars that look the same everywhere, mentions and bold in the update editor, sharing and
// permissions, importing a CSV, date filters in the user's time zone, and the archive (a page at a time).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { api, blankBoard, join, dragOnto, keyboardDrag, row, sunday, until } from "./harness.mjs";

const s = sunday();

async function projectBoard(name, email) {
  const u = await s.newUser(name, email);
  u.native = [];
  u.page.on("dialog", (d) => { u.native.push(d.message()); d.dismiss(); });
  await u.page.getByRole("button", { name: /Project tracker/ }).click();
  await row(u.page, "Design landing page").waitFor();
  const board = await api(u.page, "GET", `/boards/${(await api(u.page, "GET", "/boards")).data[0].id}`);
  return { ...u, board };
}

const rowNames = (page) => page.locator("tr[data-item]").evaluateAll((rs) => rs.map((r) => `${r.getAttribute("data-group")}/${r.getAttribute("data-item")}`));

test("moving items to another group and archiving one can be undone (toast, or Ctrl+Z after it went)", async () => {
  const { page, errors, ctx, native } = await projectBoard("Uma", "uma@example.com");
  const before = await rowNames(page);
  await page.getByLabel("Select Design landing page").check();
  await page.getByLabel("Select Set up analytics").check();
  await page.getByLabel("Move selected to group").selectOption({ label: "Done" });
  await page.locator('tr[data-item="Set up analytics"][data-group="Done"]').waitFor();
  await page.locator(".toast", { hasText: "2 items moved to Done" }).getByRole("button", { name: "Undo" }).click();
  await page.waitForFunction((want) => [...document.querySelectorAll("tr[data-item]")].map((r) => `${r.getAttribute("data-group")}/${r.getAttribute("data-item")}`).join("|") === want, before.join("|"), { timeout: 3000 });

  // Dragging one to another group: the same toast, and Ctrl+Z.
  await dragOnto(page, row(page, "Set up analytics").getByLabel("Move Set up analytics"), row(page, "Write release notes"));
  await page.locator('tr[data-item="Set up analytics"][data-group="Next sprint"]').waitFor();
  await page.locator(".toast", { hasText: '"Set up analytics" moved to Next sprint' }).waitFor();
  await page.keyboard.press("Control+z");
  await page.locator('tr[data-item="Set up analytics"][data-group="This sprint"]').waitFor({ timeout: 3000 });

  // Archive from the item panel; the toast goes, Ctrl+Z still brings it back.
  await row(page, "Write release notes").getByRole("button", { name: "Open updates" }).click();
  await page.getByRole("button", { name: "Archive item" }).click();
  await row(page, "Write release notes").waitFor({ state: "detached" });
  await page.locator(".toast", { hasText: '"Write release notes" archived' }).getByRole("button", { name: "Dismiss" }).click();
  await page.keyboard.press("Control+z");
  await row(page, "Write release notes").waitFor({ timeout: 3000 });

  // A bulk status change is undone item by item, back to each one's own status.
  const status = (name) => row(page, name).locator('td[data-column="Status"]').innerText();
  await page.getByLabel("Select Design landing page").check();
  await page.getByLabel("Select Set up analytics").check();
  await page.getByLabel("Set status of selected").selectOption({ label: "Done" });
  await page.waitForFunction(() => document.querySelector('tr[data-item="Set up analytics"] td[data-column="Status"]')?.textContent === "Done");
  await page.locator(".toast", { hasText: "Status set to Done on 2 items" }).getByRole("button", { name: "Undo" }).click();
  await page.waitForFunction(() => document.querySelector('tr[data-item="Set up analytics"] td[data-column="Status"]')?.textContent === "Not started");
  assert.equal(await status("Design landing page"), "Stuck");
  await page.reload();
  await page.waitForFunction((want) => [...document.querySelectorAll("tr[data-item]")].map((r) => `${r.getAttribute("data-group")}/${r.getAttribute("data-item")}`).join("|") === want, before.join("|"), { timeout: 5000 });
  assert.deepEqual(native, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("rows move by their grip and columns by their title, with the mouse or the keyboard", async () => {
  const { page, errors, ctx, board } = await projectBoard("Greta", "greta@example.com");
  // Columns: the order of the first group's headers, as the API keeps it too.
  const headers = () => page.locator("tr.head-row").first().locator("th[data-header]").evaluateAll((hs) => hs.map((h) => h.getAttribute("data-header")));
  const apiOrder = async () => (await api(page, "GET", `/boards/${board.id}`)).columns.map((c) => c.title);
  const [first, second, third] = await headers();
  const title = (name) => page.locator("tr.head-row").first().locator(`th[data-header="${name}"] .col-title`);
  // The first column dragged onto the third takes its place: now second, third, first.
  await dragOnto(page, title(first), title(third));
  await page.waitForFunction(([a, b, c]) => {
    const hs = [...document.querySelector("tr.head-row").querySelectorAll("th[data-header]")].map((h) => h.getAttribute("data-header"));
    return hs[0] === a && hs[1] === b && hs[2] === c;
  }, [second, third, first]);
  // The keyboard: one column left, back before the third.
  await keyboardDrag(page, title(first), ["ArrowLeft"]);
  await page.waitForFunction(([a, b, c]) => {
    const hs = [...document.querySelector("tr.head-row").querySelectorAll("th[data-header]")].map((h) => h.getAttribute("data-header"));
    return hs[0] === a && hs[1] === b && hs[2] === c;
  }, [second, first, third]);
  assert.deepEqual((await apiOrder()).slice(0, 3), [second, first, third]);

  const grip = (name) => row(page, name).getByLabel(`Move ${name}`);
  // The keyboard: each arrow takes the row a row down; dropped on "Write release notes", it
  // goes right after it, in its group.
  await grip("Set up analytics").focus();
  await page.keyboard.press("Space");
  await page.waitForTimeout(100);
  // (Each press is given a moment: what is under the row is found at the next render.)
  for (let i = 0; i < 12 && !(await page.locator('tr.drop-after[data-item="Write release notes"]').count()); i++) {
    await page.keyboard.press("ArrowDown");
    await page.waitForTimeout(150);
  }
  await page.keyboard.press("Space");
  await page.locator('tr[data-item="Set up analytics"][data-group="Next sprint"]').waitFor();
  const names = await rowNames(page);
  assert.equal(names.indexOf("Next sprint/Set up analytics"), names.indexOf("Next sprint/Write release notes") + 1, `right after it: ${names}`);

  assert.deepEqual(errors, []);
  await ctx.close();
});

test("a kanban lane of 400 cards keeps few in the page and scrolls to its last card", async () => {
  const { page, errors, ctx, board } = await blankBoard(s, "Kan", "kan@example.com");
  const status = board.columns.find((c) => c.type === "status");
  const label = status.settings.labels[0];
  const items = Array.from({ length: 400 }, (_, n) => ({ name: `Card ${String(n + 1).padStart(3, "0")}`, group_id: board.groups[0].id, values: { [status.id]: label.id } }));
  await api(page, "POST", `/boards/${board.id}/items/bulk`, { items });
  await page.reload();
  await page.getByRole("button", { name: "Kanban" }).click();
  const lane = page.locator(`[data-lane="${label.name}"]`);
  await lane.locator('[data-card="Card 001"]').waitFor();
  assert.equal(await lane.locator(".lane-head span").innerText(), "400");
  const rendered = await lane.locator("[data-card]").count();
  assert.ok(rendered < 60, `only cards near the lane's viewport are in the page (${rendered} of 400)`);
  const cards = lane.locator(".lane-cards");
  for (let k = 0; k < 20 && !(await lane.locator('[data-card="Card 400"]').count()); k++) {
    await cards.evaluate((el) => el.scrollBy(0, 4000));
    await page.waitForTimeout(100);
  }
  await lane.locator('[data-card="Card 400"]').waitFor();
  assert.ok(await lane.locator('[data-card="Card 400"]').isVisible());
  assert.ok((await lane.locator("[data-card]").count()) < 60);
  // The sort holds for a virtualized lane too: Z to A puts Card 400 first.
  await page.getByLabel("Sort by").selectOption({ label: "Name" });
  await page.getByLabel("Sort direction 1").click();
  await cards.evaluate((el) => el.scrollTo(0, 0));
  await page.waitForFunction((name) => document.querySelector(`[data-lane="${name}"] [data-card]`)?.getAttribute("data-card") === "Card 400", label.name);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("a kanban over 1,200 cards asks for each lane's first cards, more as a lane scrolls, and follows changes to cards it has not fetched", async () => {
  const { page, errors, ctx, board } = await blankBoard(s, "Lane", "lane@example.com");
  const status = board.columns.find((c) => c.type === "status");
  const [first, second] = status.settings.labels;
  const name = (n) => `Card ${String(n).padStart(4, "0")}`;
  // 1,100 cards in the first lane, 100 without a status.
  for (let chunk = 0; chunk < 2; chunk++) {
    const items = Array.from({ length: 600 }, (_, k) => chunk * 600 + k + 1).map((n) => ({ name: name(n), group_id: board.groups[0].id, values: n <= 1100 ? { [status.id]: first.id } : {} }));
    await api(page, "POST", `/boards/${board.id}/items/bulk`, { items });
  }
  await page.reload();
  const asked = [];
  page.on("request", (r) => r.url().endsWith("/items/query") && asked.push(r.postDataJSON()));
  await page.getByRole("button", { name: "Kanban" }).click();
  const lane = page.locator(`[data-lane="${first.name}"]`);
  await lane.locator(`[data-card="${name(1)}"]`).waitFor();
  assert.equal(await lane.locator(".lane-head span").innerText(), "1100");
  assert.equal(await page.locator('[data-lane="No value"] .lane-head span').innerText(), "100");
  // A count by lane, then each lane with cards asks for its first 100: no lane fetches it all.
  const lanesAsked = () => asked.filter((b) => JSON.stringify(b.filter ?? {}).includes(status.id) && b.limit > 1);
  assert.ok(asked.some((b) => b.group_by === status.id && b.limit === 1), JSON.stringify(asked));
  assert.deepEqual(lanesAsked().map((b) => b.limit).sort(), [100, 100], JSON.stringify(lanesAsked()));

  // Scrolled to its end, the lane asks for more (twice as many each time) until its last card.
  const cards = lane.locator(".lane-cards");
  for (let k = 0; k < 40 && !(await lane.locator(`[data-card="${name(1100)}"]`).count()); k++) {
    await cards.evaluate((el) => el.scrollBy(0, 8000));
    await page.waitForTimeout(150);
  }
  await lane.locator(`[data-card="${name(1100)}"]`).waitFor();
  const limits = lanesAsked().map((b) => b.limit);
  assert.ok(limits.length <= 12 && limits.every((l) => l <= 500), `lane requests: ${limits}`);
  // Each ask for more goes on from the lane's last card (a cursor), never from its first again.
  const laneRuns = lanesAsked().filter((b) => JSON.stringify(b.filter).includes(first.id));
  assert.ok(laneRuns.slice(1).every((b) => b.cursor), `lane requests: ${JSON.stringify(laneRuns.map((b) => [b.limit, !!b.cursor]))}`);
  // The board's first page (read as it opened) is all it fetches of its own pages.
  assert.deepEqual(asked.filter((b) => b.group_by === "group" && (b.cursor || b.filter)), [], "the board's further pages are not fetched for the kanban");

  // Another user's change to a card fetched by the lane, not by the board's first page, moves it.
  const item = (await api(page, "POST", `/boards/${board.id}/items/query`, { filter: { column: "name", op: "contains", value: name(1050) }, limit: 1 })).data[0];
  await api(page, "PATCH", `/items/${item.id}`, { values: { [status.id]: second.id } });
  await page.locator(`[data-lane="${second.name}"] [data-card="${name(1050)}"]`).waitFor({ timeout: 5000 });
  await until(page, (n) => document.querySelector(`[data-lane="${n}"] .lane-head span`)?.textContent === "1099", first.name);
  assert.equal(await lane.locator(`[data-card="${name(1050)}"]`).count(), 0);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("a gallery over 700 cards asks for its first cards and more as its last rows come into view", async () => {
  const { page, errors, ctx, board } = await blankBoard(s, "Gal", "gal@example.com");
  const name = (n) => `Pic ${String(n).padStart(3, "0")}`;
  const items = Array.from({ length: 700 }, (_, k) => ({ name: name(k + 1), group_id: board.groups[0].id }));
  await api(page, "POST", `/boards/${board.id}/items/bulk`, { items });
  await page.reload();
  const asked = [];
  page.on("request", (r) => r.url().endsWith("/items/query") && asked.push(r.postDataJSON()));
  await page.getByRole("button", { name: "Gallery" }).click();
  const gallery = page.getByTestId("gallery");
  await gallery.locator(`[data-card="${name(1)}"]`).waitFor();
  const runs = () => asked.filter((b) => b.limit > 1 && !b.group_by);
  assert.deepEqual(runs().map((b) => b.limit), [100], JSON.stringify(asked));
  for (let k = 0; k < 40 && !(await gallery.locator(`[data-card="${name(700)}"]`).count()); k++) {
    await gallery.evaluate((el) => el.scrollBy(0, 6000));
    await page.waitForTimeout(150);
  }
  await gallery.locator(`[data-card="${name(700)}"]`).waitFor();
  assert.ok(runs().length <= 6 && runs().every((b) => b.limit <= 500), `gallery requests: ${runs().map((b) => b.limit)}`);
  // Each ask for more goes on from the last card fetched: the 700 cards come once.
  assert.ok(runs().slice(1).every((b) => b.cursor), `gallery requests: ${JSON.stringify(runs().map((b) => [b.limit, !!b.cursor]))}`);
  assert.ok(runs().reduce((n, b) => n + b.limit, 0) <= 800, `asked for ${runs().map((b) => b.limit)}`);
  assert.deepEqual(asked.filter((b) => b.group_by === "group" && (b.cursor || b.filter)), [], "the board's further pages are not fetched for the gallery");
  assert.ok((await gallery.locator("[data-card]").count()) < 200, "only rows near the viewport are in the page");
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("the filter builder speaks in words, takes several statuses in one rule and combines rules with OR", async () => {
  const { page, errors, ctx, board } = await projectBoard("Fil", "fil@example.com");
  const names = () => page.locator("tr[data-item]").evaluateAll((rs) => rs.map((r) => r.getAttribute("data-item")).sort());
  await page.getByRole("button", { name: "Filter", exact: true }).click();
  await page.getByLabel("Filter column").selectOption({ label: "Status" });
  const words = await page.getByLabel("Filter operator").locator("option").allInnerTexts();
  assert.deepEqual(words, ["is", "is not", "is any of", "is none of", "is empty", "is not empty"]);
  await page.getByLabel("Filter value").selectOption({ label: "Stuck" });
  await page.waitForFunction(() => document.querySelectorAll("tr[data-item]").length === 1);
  await page.getByLabel("Add another value").selectOption({ label: "Done" });
  assert.equal(await page.getByLabel("Filter operator").inputValue(), "any_of");
  await page.waitForFunction(() => document.querySelectorAll("tr[data-item]").length === 2);
  assert.deepEqual(await names(), ["Design landing page", "Kick-off meeting"]);

  // A second rule, and "any" instead of "all". The rules sit in a panel: the toolbar stays one line.
  const toolbar = await page.locator(".toolbar").boundingBox();
  await page.getByRole("button", { name: "+ Add filter" }).click();
  assert.equal((await page.locator(".toolbar").boundingBox()).height, toolbar.height, "the toolbar does not grow with the rules");
  await page.getByLabel("Filter value").nth(1).fill("webinar");
  await page.waitForFunction(() => document.querySelectorAll("tr[data-item]").length === 0 || document.querySelector(".no-results"));
  await page.getByLabel("Match").selectOption("or");
  await page.waitForFunction(() => document.querySelectorAll("tr[data-item]").length === 3);
  assert.deepEqual(await names(), ["Customer webinar", "Design landing page", "Kick-off meeting"]);

  // Saved and opened again as it was.
  await page.getByRole("button", { name: "+ Save view" }).click();
  await page.getByLabel("View name").fill("Stuck, done or webinar");
  await page.getByRole("dialog", { name: "Save view" }).getByRole("button", { name: "Save view" }).click();
  const views = (await api(page, "GET", `/boards/${board.id}/views`)).data;
  assert.ok(Array.isArray(views.find((v) => v.name === "Stuck, done or webinar").filter.or), "saved as an OR");
  await page.reload();
  await page.getByRole("button", { name: "Stuck, done or webinar" }).click();
  await page.waitForFunction(() => document.querySelectorAll("tr[data-item]").length === 3);
  assert.equal(await page.locator(".filter-badge").innerText(), "2");
  await page.getByRole("button", { name: "Filter", exact: true }).click();
  assert.equal(await page.getByLabel("Match").inputValue(), "or");
  await page.getByRole("button", { name: "Remove Stuck" }).click();
  assert.equal(await page.getByLabel("Filter operator").first().inputValue(), "eq", "one status left reads 'is' again");
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("a person's avatar has the same initials and colour everywhere; mentions read as names while writing", async () => {
  const { page, errors, ctx } = await projectBoard("Edna Mode", "edna@example.com");
  const me = await api(page, "GET", "/me");
  const look = (locator) => locator.evaluate((el) => [el.textContent, getComputedStyle(el).backgroundColor]);
  const sidebar = await look(page.locator(".sidebar .avatar"));
  assert.equal(sidebar[0], "EM");
  assert.deepEqual(await look(row(page, "Define launch goals").locator('td[data-column="Owner"] .avatar')), sidebar);
  assert.deepEqual(await look(page.locator('[data-testid="presence"] .avatar').first()), sidebar);

  // The editor: "@Ed" offers Edna; picking her shows her name, not an id.
  await row(page, "Set up analytics").getByRole("button", { name: "Open updates" }).click();
  const editor = page.getByLabel("Write an update");
  await editor.fill("@Ed");
  await page.getByRole("button", { name: "@Edna Mode" }).click();
  assert.equal(await editor.inputValue(), "@Edna Mode ");
  await editor.press("End");
  await editor.type("please ");
  await page.getByRole("button", { name: "Bold" }).click();
  await editor.press("End");
  await editor.press("ArrowLeft");
  await editor.press("ArrowLeft");
  await editor.type("ship it");
  assert.equal(await editor.inputValue(), "@Edna Mode please **ship it**");
  // The preview shows it as it will read.
  const preview = page.getByLabel("Preview");
  await preview.locator("strong", { hasText: "ship it" }).waitFor();
  await preview.locator(".mention", { hasText: "@Edna Mode" }).waitFor();
  await page.getByRole("button", { name: "Update", exact: true }).click();
  await page.locator(".update .body strong", { hasText: "ship it" }).waitFor();
  await page.locator(".update .body .mention", { hasText: "@Edna Mode" }).waitFor();
  assert.deepEqual(await look(page.locator(".update .meta .avatar")), sidebar);
  // Replies take mentions the same way.
  await page.locator(".update").getByRole("button", { name: "Reply", exact: true }).click();
  await page.getByLabel("Write a reply").fill("@Ed");
  await page.getByRole("button", { name: "@Edna Mode" }).click();
  await page.getByLabel("Write a reply").type("done");
  assert.equal(await page.getByLabel("Write a reply").inputValue(), "@Edna Mode done");
  await page.locator(".reply-box").getByRole("button", { name: "Reply", exact: true }).click();
  await page.locator(".reply .mention", { hasText: "@Edna Mode" }).waitFor();
  const item = (await api(page, "GET", `/boards/${(await api(page, "GET", "/boards")).data[0].id}/items`)).data.find((i) => i.name === "Set up analytics");
  const sent = (await api(page, "GET", `/items/${item.id}/updates`)).data[0].body;
  assert.equal(sent, `@[${me.user.id}] please **ship it**`);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("sharing and permissions: who sees the board, what others may do, and each member's permission", async () => {
  const { page, errors, ctx, board, native } = await projectBoard("Olga", "olga@example.com");
  const me = await api(page, "GET", "/me");
  const other = await s.newUser("Pete", "pete@example.com");
  await join(page, other.page, me.orgs[0].org.id, "pete@example.com");
  await page.reload();
  await row(page, "Design landing page").waitFor();
  await page.getByRole("button", { name: "Board menu" }).click();
  await page.getByRole("button", { name: "Sharing and permissions" }).click();
  const dialog = page.getByRole("dialog", { name: "Sharing and permissions" });
  await dialog.locator('[data-member="Olga"]').waitFor();
  assert.equal(await dialog.getByLabel("Permission of Olga").inputValue(), "owner");

  const members = async () => Object.fromEntries((await api(page, "GET", `/boards/${board.id}/members`)).data.map((m) => [m.user_id, m.permission]));
  const pete = (await api(other.page, "GET", "/me")).user.id;
  await dialog.getByLabel("Add a person").selectOption({ label: "Pete" });
  await dialog.getByLabel("New member's permission").selectOption({ label: "Can view" });
  await dialog.getByRole("button", { name: "Add", exact: true }).click();
  await dialog.locator('[data-member="Pete"]').waitFor();
  assert.equal((await members())[pete], "view");
  await dialog.getByLabel("Permission of Pete").selectOption({ label: "Can edit items" });
  await until(page, async ([id, user]) => {
    const r = await fetch(`/api/v1/boards/${id}/members`);
    return (await r.json()).data.some((m) => m.user_id === user && m.permission === "edit_content");
  }, [board.id, pete]);

  // Only its members see it now; everyone else's permission applies to public boards only.
  await dialog.getByLabel("Everyone else").selectOption({ label: "Can view" });
  await until(page, async (id) => (await (await fetch(`/api/v1/boards/${id}`)).json()).default_permission === "view", board.id);
  await dialog.getByLabel("Who can see this board").selectOption({ label: "Only the board's members" });
  await until(page, async (id) => (await (await fetch(`/api/v1/boards/${id}`)).json()).kind === "private", board.id);
  await dialog.getByLabel("Everyone else").waitFor({ state: "detached" });
  await dialog.getByRole("button", { name: "Remove Pete" }).click();
  await dialog.locator('[data-member="Pete"]').waitFor({ state: "detached" });
  assert.equal((await members())[pete], undefined);
  await dialog.getByRole("button", { name: "Done" }).click();
  // The header's member avatars follow.
  assert.equal(await page.locator(".members .avatar").count(), 1);
  assert.deepEqual(native, []);
  assert.deepEqual([...errors, ...other.errors], []);
  await other.ctx.close();
  await ctx.close();
});

test("importing a CSV: columns mapped by hand, a progress bar over chunks, rejected rows by line", async () => {
  const { page, errors, ctx, board, native } = await projectBoard("Ivo", "ivo@example.com");
  const lines = ["Title,State,Due,Junk"];
  for (let i = 1; i <= 450; i++) lines.push(`"Task ${i}, imported",Done,${i === 300 ? "not a date" : "2027-01-15"},x`);
  const file = path.join(mkdtempSync(path.join(tmpdir(), "sunday-csv-")), "tasks.csv");
  writeFileSync(file, lines.join("\n") + "\n");
  await page.getByRole("button", { name: "Board menu" }).click();
  await page.getByRole("button", { name: "Import from CSV" }).click();
  const dialog = page.getByRole("dialog", { name: "Import from CSV" });
  await dialog.getByLabel("CSV file").setInputFiles(file);
  await dialog.getByText("450 rows in tasks.csv").waitFor();
  // The first guess: the first column names the items, the rest is skipped until mapped.
  assert.equal(await dialog.getByLabel("Column for Title").inputValue(), "name");
  assert.equal(await dialog.getByLabel("Column for Junk").inputValue(), "");
  await dialog.getByLabel("Column for State").selectOption({ label: "Status" });
  await dialog.getByLabel("Column for Due").selectOption({ label: "Due date" });
  await dialog.getByRole("button", { name: "Import 450 rows" }).click();
  await dialog.getByText("Imported 449 items.").waitFor({ timeout: 20000 });
  assert.equal(await dialog.getByLabel("Import progress").getAttribute("value"), "450");
  assert.match(await dialog.locator(".rejected li").first().innerText(), /^Line 301: /);
  await dialog.getByRole("button", { name: "Done" }).click();
  await row(page, "Task 1, imported").waitFor();
  assert.match(await row(page, "Task 1, imported").locator('td[data-column="Status"]').innerText(), /Done/);
  const total = (await api(page, "POST", `/boards/${board.id}/items/query`, { limit: 1 })).total;
  assert.equal(total, 6 + 449);
  assert.deepEqual(native, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("date filters mean the user's own today, in the browser's time zone", async () => {
  // A zone whose date differs from UTC's right now: far west early in the UTC day, far east later.
  const zone = new Date().getUTCHours() < 10 ? "Pacific/Pago_Pago" : "Pacific/Kiritimati";
  const local = new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(new Date());
  assert.notEqual(local, new Date().toISOString().slice(0, 10));
  const u = await s.newUser("Tia", "tia@example.com", undefined, { timezoneId: zone });
  const { page, errors, ctx } = u;
  await page.getByRole("button", { name: /Blank board/ }).click();
  await page.getByRole("heading", { name: "New board" }).waitFor();
  const board = await api(page, "GET", `/boards/${(await api(page, "GET", "/boards")).data[0].id}`);
  const due = board.columns.find((c) => c.title === "Due date");
  await api(page, "POST", `/boards/${board.id}/items`, { name: "Due today here", group_id: board.groups[0].id, values: { [due.id]: local } });
  await page.reload();
  await row(page, "Due today here").waitFor();
  const sent = [];
  page.on("request", (r) => r.url().endsWith("/items/query") && r.postData()?.includes('"within"') && sent.push(JSON.parse(r.postData()).tz));
  await page.getByRole("button", { name: "Filter", exact: true }).click();
  await page.getByLabel("Filter column").selectOption({ label: "Due date" });
  await page.getByLabel("Filter operator").selectOption({ label: "is in" });
  await page.getByLabel("Filter value").selectOption({ label: "today" });
  await page.getByTestId("results").filter({ hasText: "1 result" }).waitFor();
  assert.equal(await row(page, "Due today here").count(), 1);
  assert.deepEqual([...new Set(sent)], [zone]);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("the board's archive lists archived items a page at a time and restores them", async () => {
  const { page, errors, ctx, native, board } = await projectBoard("Arlo", "arlo@example.com");
  const bulk = page.getByRole("toolbar", { name: "Selected items" });
  for (const name of ["Set up analytics", "Design landing page"]) {
    await page.getByLabel(`Select ${name}`).check();
    await bulk.getByRole("button", { name: "Delete" }).click();
    await row(page, name).waitFor({ state: "detached" });
  }
  // Archived and brought back at once: not in the archive.
  await page.locator(".toast").getByRole("button", { name: "Undo" }).click();
  await row(page, "Design landing page").waitFor();
  await row(page, "Write release notes").getByRole("button", { name: "Open updates" }).click();
  await page.getByRole("button", { name: "Archive item" }).click();
  await row(page, "Write release notes").waitFor({ state: "detached" });

  // The archive screen reads the archive's own list (not the activity log), in its order.
  const asked = [];
  page.on("request", (r) => r.url().includes(`/boards/${board.id}/`) && asked.push(new URL(r.url()).pathname));
  await page.getByRole("button", { name: "Board menu" }).click();
  await page.getByRole("button", { name: "Archived items" }).click();
  const dialog = page.getByRole("dialog", { name: "Archived items" });
  await dialog.locator("[data-archived]").first().waitFor();
  const listed = await dialog.locator("[data-archived]").evaluateAll((ls) => ls.map((l) => l.getAttribute("data-archived")));
  const archived = (await api(page, "GET", `/boards/${board.id}/items/archived`)).data.map((i) => i.name);
  assert.deepEqual(listed, archived);
  assert.deepEqual([...listed].sort(), ["Set up analytics", "Write release notes"]);
  assert.ok(asked.includes(`/api/v1/boards/${board.id}/items/archived`) && !asked.some((p) => p.endsWith("/activity")), `read: ${asked}`);
  assert.match(await dialog.locator('[data-archived="Set up analytics"]').innerText(), /in This sprint, archived/);
  await dialog.locator('[data-archived="Set up analytics"]').getByRole("button", { name: "Restore" }).click();
  await dialog.locator('[data-archived="Set up analytics"]').waitFor({ state: "detached" });
  await row(page, "Set up analytics").waitFor({ timeout: 3000 });
  assert.equal(await dialog.getByRole("button", { name: "Show more" }).count(), 0, "one page holds the whole archive");
  await dialog.getByRole("button", { name: "Done" }).click();
  await page.reload();
  await row(page, "Set up analytics").waitFor();
  assert.equal(await row(page, "Write release notes").count(), 0);

  // A long archive comes a page (50) at a time: "Show more" reads the rest.
  const group = board.groups[0].id;
  const made = await api(page, "POST", `/boards/${board.id}/items/bulk`, { items: Array.from({ length: 55 }, (_, n) => ({ name: `Old ${n + 1}`, group_id: group })) });
  for (const item of made.data ?? made) await api(page, "DELETE", `/items/${item.id}`);
  await page.getByRole("button", { name: "Board menu" }).click();
  await page.getByRole("button", { name: "Archived items" }).click();
  await dialog.locator("[data-archived]").first().waitFor();
  assert.equal(await dialog.locator("[data-archived]").count(), 50);
  await dialog.getByRole("button", { name: "Show more" }).click();
  await dialog.locator("[data-archived]").nth(55).waitFor();
  assert.equal(await dialog.locator("[data-archived]").count(), 56);
  assert.equal(await dialog.getByRole("button", { name: "Show more" }).count(), 0, "read to the end");
  assert.deepEqual(native, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});
