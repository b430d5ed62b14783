// Browser test of automations: a recipe built in the Automations dialog with the sentence
// builder ("When Status changes to Done, move to group Done and notify Owner"), then a status
// flipped in the table: the item moves to Done and the owner's bell rings, with the run in the
// recipe's history. Webhooks: a receiver subscribed in the UI, its secret shown once, a
// delivery it verifies and the delivery log. Buttons: a button column whose click a recipe
// answers. Links: a calendar feed and an inbound webhook made in the UI, their URLs shown once
// and called from here. Moves: a recipe that moves new items into another board's group.
import { test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import http from "node:http";
import path from "node:path";
import { api, row, shots, sunday } from "./harness.mjs";

const s = sunday();

test("automations: build a recipe in the UI, flip a status, the item moves and the bell rings", async () => {
  const { page, errors, ctx } = await s.newUser("Ada", "ada-auto@example.com");
  await page.getByRole("button", { name: /Project tracker/ }).click();
  await row(page, "Design landing page").waitFor();
  const me = await api(page, "GET", "/me");
  const board = await api(page, "GET", `/boards/${(await api(page, "GET", "/boards")).data[0].id}`);
  const col = (title) => board.columns.find((c) => c.title === title);
  const item = (await api(page, "GET", `/boards/${board.id}/items`)).data.find((i) => i.name === "Design landing page");
  // Ada owns the item, so she is the one told.
  await api(page, "PATCH", `/items/${item.id}`, { values: { [col("Owner").id]: [me.user.id] } });

  await page.getByRole("button", { name: "Board menu" }).click();
  await page.getByRole("button", { name: "Automations" }).click();
  const dialog = page.getByRole("dialog", { name: "Automations" });
  await dialog.getByRole("button", { name: "Build your own" }).click();
  await dialog.getByLabel("Trigger", { exact: true }).selectOption("column_changed");
  await dialog.getByLabel("Trigger column").selectOption({ label: "Status" });
  await dialog.getByLabel("Changes to").selectOption({ label: "Done" });
  await dialog.getByLabel("Add an action").selectOption("move_to_group");
  await dialog.getByLabel("Action 1 group").selectOption({ label: "Done" });
  await dialog.getByLabel("Add an action").selectOption("notify");
  await dialog.getByLabel("Action 2 who").selectOption({ label: "Owner" });
  await dialog.getByLabel("Action 2 text").fill("{item.name} is done");
  // Only items whose name says "landing": the board's filter builder, inside the recipe.
  await dialog.getByRole("button", { name: "Filter", exact: true }).click();
  await page.getByLabel("Filter value").fill("landing");
  await dialog.getByRole("heading", { name: "Automations" }).click();
  const wanted = "When Status changes to Done (if the conditions hold), then move to group Done and notify Owner";
  assert.equal(await dialog.getByLabel("Sentence").innerText(), wanted);
  await dialog.getByRole("button", { name: "Save automation" }).click();
  await dialog.locator(".automations .sentence", { hasText: wanted }).waitFor();
  await dialog.getByRole("button", { name: "Done", exact: true }).last().click();

  const saved = (await api(page, "GET", `/boards/${board.id}/automations`)).data[0];
  assert.equal(JSON.stringify(saved.conditions).includes("landing"), true, JSON.stringify(saved.conditions));

  // Flip the status in the table.
  await row(page, "Design landing page").locator('td[data-column="Status"]').focus();
  await page.keyboard.press("Enter");
  await page.locator(".palette button", { hasText: "Done" }).click();
  await page.locator('tr[data-item="Design landing page"][data-group="Done"]').waitFor({ timeout: 5000 });
  await page.locator('[data-testid="unread"]').waitFor({ timeout: 5000 });
  await page.getByRole("button", { name: "Notifications" }).click();
  await page.getByText("Design landing page is done").waitFor();
  // Following the item, Ada also hears that Automation (not "Someone") changed it.
  await page.getByText("Automation changed Design landing page").waitFor();
  await page.keyboard.press("Escape");

  // The run is in the recipe's history, and the activity says Automation moved it.
  await page.getByRole("button", { name: "Board menu" }).click();
  await page.getByRole("button", { name: "Automations" }).click();
  await dialog.getByRole("button", { name: /^Runs of / }).click();
  await dialog.locator('[data-run-status="succeeded"]').waitFor();
  await page.screenshot({ path: path.join(shots, "automations.png") });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("webhooks: subscribe a receiver in the UI, see the secret once, and the delivery in the log", async () => {
  // A receiver that answers the challenge and records deliveries.
  const received = [];
  const receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const json = JSON.parse(body || "{}");
      if (json.challenge) return res.end(JSON.stringify({ challenge: json.challenge }));
      received.push({ signature: req.headers["sunday-signature"], body });
      res.end("{}");
    });
  });
  await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${receiver.address().port}/hook`;
  const { page, errors, ctx } = await s.newUser("Hook", "hook-ui@example.com");
  await page.getByRole("button", { name: /Project tracker/ }).click();
  await row(page, "Design landing page").waitFor();
  await page.getByRole("button", { name: "Board menu" }).click();
  await page.getByRole("button", { name: "Webhooks", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Webhooks", exact: true });
  await dialog.getByLabel("Webhook URL").fill(url);
  await dialog.getByLabel("item created").check();
  await dialog.getByRole("button", { name: "Subscribe" }).click();
  const secret = (await dialog.locator(".secret code").last().innerText()).trim();
  assert.match(secret, /^whsec_/);
  await dialog.locator(`[data-webhook="${url}"]`).waitFor();
  await dialog.getByRole("button", { name: "Done", exact: true }).click();

  await page.getByLabel("Add item to This sprint").fill("Hooked item");
  await page.keyboard.press("Enter");
  await row(page, "Hooked item").waitFor();
  for (let i = 0; i < 100 && received.length === 0; i++) await page.waitForTimeout(50);
  assert.equal(received.length, 1);
  // The receiver checks the signature the way README shows.
  const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(received[0].signature);
  const want = crypto.createHmac("sha256", secret).update(`${t}.${received[0].body}`).digest("hex");
  assert.equal(v1, want);
  assert.equal(JSON.parse(received[0].body).event.payload.item.name, "Hooked item");

  await page.getByRole("button", { name: "Board menu" }).click();
  await page.getByRole("button", { name: "Webhooks", exact: true }).click();
  await dialog.getByRole("button", { name: `Deliveries to ${url}` }).click();
  await dialog.locator('[data-delivery-status="delivered"]').waitFor();
  assert.equal(await dialog.locator(".secret").count(), 0, "the secret is not shown again");
  assert.deepEqual(errors, []);
  await ctx.close();
  receiver.close();
});

test("buttons: a button column, a recipe on its click, and the status it sets", async () => {
  const { page, errors, ctx } = await s.newUser("Bea", "bea-button@example.com");
  await page.getByRole("button", { name: /Project tracker/ }).click();
  await row(page, "Design landing page").waitFor();
  // The item starts without a status.
  const board = await api(page, "GET", `/boards/${(await api(page, "GET", "/boards")).data[0].id}`);
  const item = (await api(page, "GET", `/boards/${board.id}/items`)).data.find((i) => i.name === "Design landing page");
  await api(page, "PATCH", `/items/${item.id}`, { values: { [board.columns.find((c) => c.title === "Status").id]: null } });
  await row(page, "Design landing page").locator('td[data-column="Status"] .empty').waitFor({ state: "attached" });

  // The type picker offers the button; its cell is a button labelled with the column's title.
  await page.getByRole("button", { name: "Add column" }).first().click();
  await page.getByLabel("New column title").fill("Escalate");
  await page.getByLabel("New column type").selectOption("button");
  await page.getByRole("button", { name: "Create column" }).click();
  await page.locator('th[data-header="Escalate"]').first().waitFor();
  const button = row(page, "Design landing page").locator('td[data-column="Escalate"] button');
  assert.equal((await button.innerText()).trim(), "Escalate");

  await page.getByRole("button", { name: "Board menu" }).click();
  await page.getByRole("button", { name: "Automations" }).click();
  const dialog = page.getByRole("dialog", { name: "Automations" });
  await dialog.getByRole("button", { name: "Build your own" }).click();
  await dialog.getByLabel("Trigger", { exact: true }).selectOption("button_clicked");
  assert.equal(await dialog.getByLabel("Trigger button").locator("option:checked").innerText(), "Escalate");
  await dialog.getByLabel("Add an action").selectOption("set_column");
  await dialog.getByLabel("Action 1 column").selectOption({ label: "Status" });
  await dialog.getByLabel("Action 1 value").selectOption({ label: "Stuck" });
  const wanted = "When Escalate is clicked, then set Status to Stuck";
  assert.equal(await dialog.getByLabel("Sentence").innerText(), wanted);
  await dialog.getByRole("button", { name: "Save automation" }).click();
  await dialog.locator(".automations .sentence", { hasText: wanted }).waitFor();
  await dialog.getByRole("button", { name: "Done", exact: true }).last().click();

  // Click: the recipe sets the status, which arrives live.
  const before = await page.locator('tr[data-item] td[data-column="Status"]').allInnerTexts();
  await button.click();
  await row(page, "Design landing page").locator('td[data-column="Status"]', { hasText: "Stuck" }).waitFor({ timeout: 5000 });
  // Other rows are untouched.
  const after = await page.locator('tr[data-item] td[data-column="Status"]').allInnerTexts();
  assert.equal(after.filter((t) => /Stuck/.test(t)).length, before.filter((t) => /Stuck/.test(t)).length + 1);

  // The item's activity says who clicked and that Automation changed the status.
  await row(page, "Design landing page").getByRole("button", { name: /Open updates/ }).click();
  const panel = page.getByRole("dialog", { name: "Item" });
  await panel.getByRole("button", { name: "Activity log" }).click();
  await panel.locator('li[data-kind="button_clicked"]', { hasText: "Bea clicked Escalate" }).waitFor();
  await panel.locator('li[data-kind="item_updated"]', { hasText: "Automation" }).waitFor();
  // The panel's own button clicks too.
  assert.equal(await panel.locator('td[data-column="Escalate"] button').isEnabled(), true);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("links: a calendar feed and an inbound webhook made in the UI, their URLs shown once", async () => {
  const { page, errors, ctx } = await s.newUser("Lin", "lin-links@example.com");
  await page.getByRole("button", { name: /Project tracker/ }).click();
  await row(page, "Design landing page").waitFor();
  const board = await api(page, "GET", `/boards/${(await api(page, "GET", "/boards")).data[0].id}`);

  await page.getByRole("button", { name: "Board menu" }).click();
  await page.getByRole("button", { name: "Calendar feed and inbound webhooks" }).click();
  const dialog = page.getByRole("dialog", { name: "Calendar feed and inbound webhooks" });
  await dialog.getByText("No calendar feeds or inbound webhooks on this board.").waitFor();

  // A calendar feed: its URL once, with a copy button; the feed is iCalendar.
  await dialog.getByRole("button", { name: "New calendar feed" }).click();
  await dialog.getByLabel("Feed name").fill("Team calendar");
  await dialog.getByRole("button", { name: "Create feed" }).click();
  const shown = dialog.getByLabel("Link URL");
  await shown.waitFor();
  const feed = await shown.inputValue();
  assert.match(feed, new RegExp(`^${s.base}/api/v1/ical/[^/]+\\.ics$`));
  await dialog.getByText("will not be shown again").waitFor();
  await dialog.getByRole("button", { name: "Copy" }).waitFor();
  await dialog.locator('[data-link="Team calendar"]').waitFor();
  await page.screenshot({ path: path.join(shots, "links.png") });
  const ics = await fetch(feed);
  assert.equal(ics.status, 200);
  const text = await ics.text();
  assert.match(text, /^BEGIN:VCALENDAR/);
  assert.match(text, /END:VCALENDAR\s*$/);

  // An inbound webhook: the name from /title, Status from /state, into Done.
  await dialog.getByRole("button", { name: "New inbound webhook" }).click();
  assert.equal(await dialog.getByLabel("Link URL").count(), 0, "the feed's URL is not shown again");
  await dialog.getByLabel("Webhook name").fill("Leads");
  await dialog.getByLabel("Name pointer").fill("/title");
  await dialog.getByLabel("Group for new items").selectOption({ label: "Done" });
  await dialog.getByRole("button", { name: "+ Set a column from the body" }).click();
  await dialog.getByLabel("Field 1 column").selectOption({ label: "Status" });
  await dialog.getByLabel("Field 1 pointer").fill("/state");
  await dialog.getByRole("button", { name: "Create webhook" }).click();
  const inbound = await dialog.getByLabel("Link URL").inputValue();
  assert.match(inbound, new RegExp(`^${s.base}/api/v1/inbound/[^/]+$`));
  await dialog.locator('[data-link="Leads"]', { hasText: "name from /title, Status from /state, into Done" }).waitFor();
  const posted = await fetch(inbound, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "Lead from the form", state: "Stuck" }) });
  assert.equal(posted.status, 201, await posted.clone().text());
  await dialog.getByRole("button", { name: "Done", exact: true }).click();
  // The item arrives live, in Done, made by "Webhook".
  await page.locator('tr[data-item="Lead from the form"][data-group="Done"]').waitFor({ timeout: 5000 });
  assert.match(await row(page, "Lead from the form").locator('td[data-column="Status"]').innerText(), /Stuck/);
  await row(page, "Lead from the form").getByRole("button", { name: /Open updates/ }).click();
  const panel = page.getByRole("dialog", { name: "Item" });
  await panel.getByRole("button", { name: "Activity log" }).click();
  await panel.locator("li", { hasText: "Webhook" }).first().waitFor();
  await page.keyboard.press("Escape");

  // Revoking the feed: its URL stops working.
  await page.getByRole("button", { name: "Board menu" }).click();
  await page.getByRole("button", { name: "Calendar feed and inbound webhooks" }).click();
  await dialog.getByRole("button", { name: "Revoke Team calendar" }).click();
  await page.getByRole("dialog", { name: "Revoke link" }).getByRole("button", { name: "Revoke" }).click();
  await dialog.locator('[data-link="Team calendar"]').waitFor({ state: "detached" });
  assert.equal((await fetch(feed)).status, 404);
  const links = (await api(page, "GET", `/boards/${board.id}/links`)).data;
  assert.deepEqual(links.map((l) => l.name), ["Leads"]);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("move to board: a recipe built with the other board's group moves new items there", async () => {
  const { page, errors, ctx } = await s.newUser("Mo", "mo-move@example.com");
  await page.getByRole("button", { name: /Project tracker/ }).click();
  await row(page, "Design landing page").waitFor();
  const board = await api(page, "GET", `/boards/${(await api(page, "GET", "/boards")).data[0].id}`);
  const other = await api(page, "POST", "/boards", { name: "Archive", workspace_id: board.workspace_id, template: "project_tracker" });
  const done = other.groups.find((g) => g.title === "Done");

  await page.getByRole("button", { name: "Board menu" }).click();
  await page.getByRole("button", { name: "Automations" }).click();
  const dialog = page.getByRole("dialog", { name: "Automations" });
  await dialog.getByRole("button", { name: "Build your own" }).click();
  await dialog.getByLabel("Add an action").selectOption("move_to_board");
  // This board is not a target; the other board's groups are offered once read.
  assert.deepEqual(await dialog.getByLabel("Action 1 board").locator("option").allInnerTexts(), ["Archive"]);
  assert.equal(await dialog.getByLabel("Sentence").innerText(), "When an item is created, then move to board Archive");
  await dialog.getByLabel("Action 1 group").locator(`option[value="${done.id}"]`).waitFor({ state: "attached" });
  await dialog.getByLabel("Action 1 group").selectOption({ label: "Done" });
  const wanted = "When an item is created, then move to board Archive, group Done";
  assert.equal(await dialog.getByLabel("Sentence").innerText(), wanted);
  await dialog.getByRole("button", { name: "Save automation" }).click();
  await dialog.locator(".automations .sentence", { hasText: wanted }).waitFor();
  await dialog.getByRole("button", { name: "Done", exact: true }).last().click();
  const saved = (await api(page, "GET", `/boards/${board.id}/automations`)).data[0];
  assert.deepEqual(saved.actions, [{ type: "move_to_board", board_id: other.id, group_id: done.id }]);

  // A new item leaves for the Archive's Done group.
  await page.getByLabel("Add item to This sprint").fill("Old news");
  await page.keyboard.press("Enter");
  let moved;
  for (let i = 0; i < 100; i++) {
    moved = (await api(page, "GET", `/boards/${other.id}/items`)).data.find((x) => x.name === "Old news");
    if (moved) break;
    await page.waitForTimeout(50);
  }
  assert.equal(moved?.group_id, done.id);
  await row(page, "Old news").waitFor({ state: "detached", timeout: 5000 });
  assert.deepEqual(errors, []);
  await ctx.close();
});
