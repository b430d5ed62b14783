// Browser tests of the everyday flows: sign-up and templates, cell editing, live collaboration,
// columns and bulk actions, a 10,000-item board. Run with `npm run e2e` after `npm run build`;
// the server and browser come from harness.mjs.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { api, dragOnto, join, keyboardDrag, row, shots, sunday } from "./harness.mjs";

const s = sunday();
const newUser = (name, email) => s.newUser(name, email);

test("a new user signs up, creates a board from a template and edits cells that persist", async () => {
  const { page, errors, ctx } = await newUser("Ada", "ada@example.com");
  await page.getByRole("button", { name: /Project tracker/ }).click();
  await page.getByRole("heading", { name: "Project tracker" }).waitFor();
  await row(page, "Design landing page").waitFor();
  await page.getByText("● Live").waitFor();
  await page.screenshot({ path: path.join(shots, "table.png"), fullPage: true });

  // Text cell
  await row(page, "Set up analytics").locator('td[data-column="Notes"]').click();
  await page.locator(".cell-input").fill("Use the events API");
  await page.keyboard.press("Enter");
  // Status cell
  await row(page, "Set up analytics").locator('td[data-column="Status"]').click();
  await page.locator(".palette button", { hasText: "Done" }).click();
  // Number cell
  await row(page, "Set up analytics").locator('td[data-column="Budget"]').click();
  await page.locator(".cell-input").fill("4200");
  await page.keyboard.press("Enter");
  // Date cell
  await row(page, "Set up analytics").locator('td[data-column="Due date"]').click();
  await page.locator(".cell-input").fill("2026-12-24");
  await page.keyboard.press("Enter");
  // People
  await row(page, "Set up analytics").locator('td[data-column="Owner"]').click();
  await page.locator(".palette button", { hasText: "Assign me" }).click();
  await page.waitForTimeout(300);
  await page.reload();
  const r = row(page, "Set up analytics");
  await r.waitFor();
  assert.match(await r.locator('td[data-column="Notes"]').innerText(), /Use the events API/);
  assert.match(await r.locator('td[data-column="Status"]').innerText(), /Done/);
  assert.match(await r.locator('td[data-column="Budget"]').innerText(), /\$4,200/);
  assert.match(await r.locator('td[data-column="Due date"]').innerText(), /Dec 24/);
  // People show as avatars: initials, the name on hover.
  assert.equal(await r.locator('td[data-column="Owner"] .avatar').getAttribute("title"), "Ada");
  assert.equal(await r.locator('td[data-column="Owner"] .avatar').innerText(), "A");

  // Filter builder and a saved view
  await page.getByRole("button", { name: "Filter" }).click();
  await page.getByLabel("Filter value").fill("design");
  await page.waitForTimeout(400);
  assert.equal(await page.locator("tr[data-item]").count(), 1);
  await page.screenshot({ path: path.join(shots, "filter.png") });
  await page.getByRole("button", { name: "+ Save view" }).click();
  await page.getByLabel("View name").fill("Design work");
  await page.getByRole("dialog", { name: "Save view" }).getByRole("button", { name: "Save view" }).click();
  await page.getByRole("button", { name: "Design work" }).waitFor();
  await page.reload();
  await page.getByRole("button", { name: "Design work" }).click();
  await page.waitForTimeout(400);
  assert.equal(await page.locator("tr[data-item]").count(), 1, "the saved view remembers its filter");
  await page.getByRole("button", { name: "Main table" }).click();

  // The filter builder offers what the column types' metadata allows for the column.
  const types = (await api(page, "GET", "/column-types")).data;
  await page.getByRole("button", { name: "Filter" }).click();
  await page.getByLabel("Filter column").selectOption({ label: "Status" });
  const ops = await page.getByLabel("Filter operator").locator("option").evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(ops, types.find((t) => t.type === "status").filter_operators);
  await page.getByLabel("Filter value").selectOption({ label: "Done" });
  await page.waitForTimeout(400);
  const statuses = await page.locator('tr[data-item] td[data-column="Status"]').allInnerTexts();
  assert.ok(statuses.length >= 1 && statuses.every((t) => /Done/.test(t)), `only done items: ${statuses}`);
  await page.getByLabel("Remove filter").click();
  // Views group by the columns the metadata calls groupable: people too.
  await page.getByLabel("Group by").selectOption({ label: "Group: Owner" });
  await page.locator('tr[data-group="Ada"][data-item="Set up analytics"]').waitFor();
  await page.getByLabel("Group by").selectOption("");

  // Kanban: drag a card to another lane
  await page.getByRole("button", { name: "Kanban" }).click();
  // dnd-kit follows the pointer: a press, a few moves, a release over the lane.
  await dragOnto(page, page.locator('[data-card="Write release notes"]'), page.locator('[data-lane="Working on it"]'));
  await page.locator('[data-lane="Working on it"] [data-card="Write release notes"]').waitFor();
  await page.screenshot({ path: path.join(shots, "kanban.png"), fullPage: true });
  // The keyboard: Space lifts the focused card, an arrow moves it a lane, Space drops it.
  const lanes = await page.locator("[data-lane]").evaluateAll((ls) => ls.map((l) => l.getAttribute("data-lane")));
  const next = lanes[lanes.indexOf("Working on it") + 1];
  await page.locator('[data-card="Write release notes"]').focus();
  const byKeyboard = async (arrow, lane) => {
    await page.locator('[data-card="Write release notes"]').focus();
    await page.keyboard.press("Space");
    await page.locator(".card.dragging").waitFor();
    // dnd-kit listens for the arrows from the task after the lift: a person is never faster.
    await page.waitForTimeout(100);
    await page.keyboard.press(arrow);
    await page.locator(`.lane.drop-here[data-lane="${lane}"]`).waitFor();
    await page.keyboard.press("Space");
    await page.locator(`[data-lane="${lane}"] [data-card="Write release notes"]`).waitFor();
  };
  await byKeyboard("ArrowRight", next);
  await byKeyboard("ArrowLeft", "Working on it");
  await page.locator('[data-lane="Working on it"] [data-card="Write release notes"]').waitFor();
  // A quick run of arrows: each goes on from where the last one took the card, however fast.
  const twoOver = lanes[lanes.indexOf("Working on it") + 2];
  assert.ok(twoOver !== undefined, `lanes: ${lanes}`);
  await keyboardDrag(page, page.locator('[data-card="Write release notes"]'), ["ArrowRight", "ArrowRight"], { pause: 0 });
  await page.locator(`[data-lane="${twoOver}"] [data-card="Write release notes"]`).waitFor();
  await keyboardDrag(page, page.locator('[data-card="Write release notes"]'), ["ArrowLeft", "ArrowLeft"], { pause: 0 });
  await page.locator('[data-lane="Working on it"] [data-card="Write release notes"]').waitFor();
  const lanesBy = await page.getByLabel("Lanes by").locator("option").allInnerTexts();
  assert.ok(lanesBy.includes("Lanes: Owner") && !lanesBy.includes("Lanes: Budget"), `lanes by: ${lanesBy}`);
  await page.reload();
  await page.getByRole("button", { name: "Kanban" }).click();
  await page.locator('[data-lane="Working on it"] [data-card="Write release notes"]').waitFor();
  // A narrow screen: the page itself does not scroll sideways (the table does).
  await page.setViewportSize({ width: 390, height: 800 });
  await page.getByRole("button", { name: "Main table" }).click();
  await page.screenshot({ path: path.join(shots, "narrow.png") });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `no sideways page scroll on a phone (${overflow}px)`);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("two users: a live edit, presence, a mention in the bell", async () => {
  const a = await newUser("Grace", "grace@example.com");
  await a.page.getByRole("button", { name: /Bug tracker/ }).click();
  await row(a.page, "Typo on pricing page").waitFor();
  const me = await api(a.page, "GET", "/me");
  const b = await newUser("Linus", "linus@example.com");
  const linus = await api(b.page, "GET", "/me");
  await join(a.page, b.page, me.orgs[0].org.id, "linus@example.com");
  const boards = await api(a.page, "GET", "/boards");
  const board = boards.data[0];
  await b.page.goto(`${s.base}/#/${board.id}`);
  await b.page.reload();
  await row(b.page, "Typo on pricing page").waitFor();

  // Presence shows both.
  await a.page.locator('[data-testid="presence"] .avatar').nth(1).waitFor({ timeout: 5000 });
  // An edit by A appears for B within a second.
  const started = Date.now();
  await a.page.locator('tr[data-item="Typo on pricing page"] .name-input').fill("Typo on the pricing page");
  await a.page.keyboard.press("Enter");
  await row(b.page, "Typo on the pricing page").waitFor({ timeout: 1000 });
  assert.ok(Date.now() - started < 1500);

  // B drops off the network: the app shows it, and catches up by itself when back.
  await b.ctx.setOffline(true);
  await b.page.getByText("Offline — reconnecting…").waitFor({ timeout: 10000 });
  await a.page.locator('tr[data-item="Login fails with SSO"] .name-input').fill("Login fails with SAML");
  await a.page.keyboard.press("Enter");
  await row(a.page, "Login fails with SAML").waitFor();
  await b.ctx.setOffline(false);
  await b.page.getByText("● Live").waitFor({ timeout: 15000 });
  await row(b.page, "Login fails with SAML").waitFor({ timeout: 5000 });

  // A mentions B in an update; B's bell shows it live.
  await row(a.page, "Typo on the pricing page").locator(".open").click();
  await a.page.getByLabel("Write an update").fill("@Lin");
  await a.page.getByRole("button", { name: "@Linus" }).click();
  await a.page.getByLabel("Write an update").type("please fix");
  await a.page.getByRole("button", { name: "Update", exact: true }).click();
  await a.page.locator(".update .body", { hasText: "@Linus please fix" }).waitFor();
  await a.page.screenshot({ path: path.join(shots, "item-panel.png") });
  await b.page.locator('[data-testid="unread"]').waitFor({ timeout: 3000 });
  assert.equal(await b.page.locator('[data-testid="unread"]').innerText(), "1");
  assert.ok(linus.user.id);
  assert.deepEqual([...a.errors, ...b.errors], []);
  await a.ctx.close();
  await b.ctx.close();
});

test("a live change updates a filtered table in place, without re-running the filter", async () => {
  const { page, errors, ctx } = await newUser("Barbara", "barbara@example.com");
  await page.getByRole("button", { name: /Project tracker/ }).click();
  await row(page, "Design landing page").waitFor();
  await page.getByText("● Live").waitFor();
  // The app's filter queries (the helper below queries without a filter).
  const filterQueries = [];
  page.on("request", (r) => r.url().endsWith("/items/query") && r.postData()?.includes('"and"') && filterQueries.push(r.url()));
  await page.getByLabel("Search", { exact: true }).fill("design");
  await page.waitForFunction(() => document.querySelectorAll("tr[data-item]").length === 1);
  const ran = filterQueries.length;
  assert.ok(ran >= 1, "the search ran a query");

  const board = (await api(page, "GET", "/boards")).data[0];
  const items = (await api(page, "GET", `/boards/${board.id}/items`)).data;
  const design = items.find((i) => i.name === "Design landing page");
  await api(page, "PATCH", `/items/${design.id}`, { name: "Design landing page v2" });
  await row(page, "Design landing page v2").waitFor({ timeout: 3000 });
  await page.waitForTimeout(300);
  assert.equal(filterQueries.length, ran, "a live event does not re-run the filter");
  assert.equal(await page.locator("tr[data-item]").count(), 1);

  await page.getByLabel("Search", { exact: true }).fill("");
  await page.waitForFunction(() => document.querySelectorAll("tr[data-item]").length > 1);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("every column type can be edited in the table and persists; columns and bulk actions work", async () => {
  const { page, errors, ctx } = await newUser("Hedy", "hedy@example.com");
  await page.getByRole("button", { name: /Blank board/ }).click();
  await page.getByRole("heading", { name: "New board" }).waitFor();
  const me = await api(page, "GET", "/me");
  const boards = await api(page, "GET", "/boards");
  const board = boards.data[0];
  const types = ["text", "long_text", "number", "dropdown", "timeline", "checkbox", "rating", "link", "email", "phone", "tags"];
  for (const t of types) {
    const body = { title: `T ${t}`, type: t };
    if (t === "dropdown") body.settings = { options: [{ id: "a", name: "Alpha" }, { id: "b", name: "Beta" }] };
    await api(page, "POST", `/boards/${board.id}/columns`, body);
  }
  const group = (await api(page, "GET", `/boards/${board.id}`)).groups[0];
  await api(page, "POST", `/boards/${board.id}/items`, { name: "Everything", group_id: group.id });
  await page.reload();
  const r = () => row(page, "Everything");
  await r().waitFor();
  const cell = (title) => r().locator(`td[data-column="${title}"]`);
  const typeInto = async (title, text) => {
    await cell(title).click();
    await page.locator(".cell-input").fill(text);
    await page.keyboard.press("Enter");
    await page.waitForTimeout(150);
  };
  await typeInto("T text", "Plain text");
  await typeInto("T long_text", "A longer note");
  await typeInto("T number", "42");
  await typeInto("T link", "https://example.com/docs");
  await typeInto("T email", "hedy@example.com");
  await typeInto("T phone", "+4930123456");
  await typeInto("T tags", "alpha, beta");
  await cell("Status").click();
  await page.locator(".palette button", { hasText: "Stuck" }).click();
  await cell("T dropdown").click();
  await page.locator(".palette button", { hasText: "Beta" }).click();
  await cell("Due date").click();
  await page.locator(".cell-input").fill("2027-01-15");
  await page.keyboard.press("Enter");
  await cell("T timeline").click();
  await page.getByLabel("From", { exact: true }).fill("2027-02-01");
  await page.getByLabel("To", { exact: true }).fill("2027-02-10");
  await page.locator(".palette button", { hasText: "Save" }).click();
  await cell("Owner").click();
  await page.locator(".palette button", { hasText: "Assign me" }).click();
  await cell("T checkbox").click();
  await cell("T rating").click();
  await page.locator(".palette.stars button").nth(3).click();
  await page.waitForTimeout(400);
  await page.reload();
  await r().waitFor();
  const expectations = {
    "T text": /Plain text/, "T long_text": /A longer note/, "T number": /42/, "T link": /example\.com/, "T email": /hedy@example\.com/,
    "T phone": /\+4930123456/, "T tags": /#alpha.*#beta/s, Status: /Stuck/, "T dropdown": /Beta/, "Due date": /Jan 15/,
    "T timeline": /Feb 1.*Feb 10/s, Owner: /^\s*H\s*$/, "T checkbox": /✔/, "T rating": /★★★★/,
  };
  for (const [title, re] of Object.entries(expectations)) {
    assert.match(await cell(title).innerText(), re, title);
  }
  const item = (await api(page, "POST", `/boards/${board.id}/items/query`, {})).data[0];
  assert.equal(Object.keys(item.values).length, 14, "every value reached the server");
  const full = await api(page, "GET", `/boards/${board.id}`);
  assert.equal(item.values[full.columns.find((c) => c.type === "people").id][0], me.user.id);

  // Columns: add, rename, hide.
  await page.getByRole("button", { name: "Add column" }).first().click();
  await page.getByLabel("New column title").fill("Effort");
  // The type picker lists the server's column types by title, Sunday's own ones last.
  const picker = page.getByLabel("New column type");
  const offered = await picker.locator("optgroup").evaluateAll((gs) => gs.map((g) => [g.label, [...g.querySelectorAll("option")].map((o) => o.value)]));
  const listed = (await api(page, "GET", "/column-types")).data;
  assert.deepEqual(offered.flatMap(([, v]) => v), [...listed.filter((t) => t.origin === "written"), ...listed.filter((t) => t.origin !== "written")].map((t) => t.type));
  assert.deepEqual(offered.slice(-2).map(([label]) => label), ["Filled in by Sunday", "Computed"]);
  assert.equal(await picker.locator('option[value="number"]').innerText(), listed.find((t) => t.type === "number").title);
  await picker.selectOption("number");
  await page.getByRole("button", { name: "Create column" }).click();
  await page.locator('th[data-header="Effort"]').first().waitFor();
  await page.locator('th[data-header="Effort"] span').first().dblclick();
  await page.getByLabel("Column title").fill("Estimate");
  await page.keyboard.press("Enter");
  await page.locator('th[data-header="Estimate"]').first().waitFor();
  await page.locator('th[data-header="T email"] .col-menu').first().click();
  await page.locator(".palette.menu button", { hasText: "Hide" }).click();
  assert.equal(await page.locator('th[data-header="T email"]').count(), 0);

  // Bulk: select two new items, set their status, then delete them.
  for (const name of ["Bulk one", "Bulk two"]) {
    await page.getByLabel(/Add item to/).first().fill(name);
    await page.keyboard.press("Enter");
    await row(page, name).waitFor();
  }
  await page.getByLabel("Select Bulk one").check();
  await page.getByLabel("Select Bulk two").check();
  await page.getByLabel("Set status of selected").selectOption({ label: "Done" });
  await page.waitForTimeout(400);
  assert.match(await row(page, "Bulk two").locator('td[data-column="Status"]').innerText(), /Done/);
  await page.getByRole("toolbar", { name: "Selected items" }).getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog", { name: "Delete items" }).getByRole("button", { name: "Delete 2 items" }).click();
  await row(page, "Bulk one").waitFor({ state: "detached" });

  // Keyboard: arrows move between cells, Enter edits, Escape cancels.
  await cell("T text").focus();
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-column")), "T long_text");
  await page.keyboard.press("Enter");
  await page.locator(".cell-input").waitFor();
  await page.keyboard.press("Escape");
  assert.equal(await page.locator(".cell-input").count(), 0);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("a 10,000-item board opens, renders only what is visible and scrolls to the end", async () => {
  const { page, errors, ctx } = await newUser("Big", "big@example.com");
  await page.getByRole("button", { name: /Blank board/ }).click();
  await page.getByRole("heading", { name: "New board" }).waitFor();
  const board = (await api(page, "GET", "/boards")).data[0];
  for (let k = 0; k < 10; k++) {
    const items = Array.from({ length: 1000 }, (_, i) => ({ name: `Row ${String(k * 1000 + i).padStart(4, "0")}` }));
    await api(page, "POST", `/boards/${board.id}/items/bulk`, { items });
  }
  const started = Date.now();
  await page.reload();
  await row(page, "Row 0000").waitFor({ timeout: 15000 });
  const opened = Date.now() - started;
  assert.ok(opened < 10000, `opened in ${opened} ms`);
  const rendered = await page.locator("tr[data-item]").count();
  assert.ok(rendered < 200, `only visible rows are rendered (${rendered})`);
  await page.locator('.group-title', { hasText: "10000 items" }).waitFor();
  await page.locator(".table-wrap").evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await row(page, "Row 9999").waitFor({ timeout: 5000 });
  assert.ok((await page.locator("tr[data-item]").count()) < 200);
  console.log(`# 10,000-item board opened in ${opened} ms with ${rendered} rows rendered`);
  assert.deepEqual(errors, []);
  await ctx.close();
});
