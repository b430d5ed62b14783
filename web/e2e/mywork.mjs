// Browser tests of My Work and the inbox: my items across boards by due date, edited in place;
// a mention from a colleague grouped by item in the inbox, answered from there.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { api, join, row, shots, sunday } from "./harness.mjs";

const s = sunday();

test("My Work lists my items by due date, edits them in place and opens them on their board", async () => {
  const { page, errors, ctx } = await s.newUser("Mona", "mona@example.com");
  await page.getByRole("button", { name: /Project tracker/ }).click();
  await row(page, "Design landing page").waitFor();
  const me = await api(page, "GET", "/me");
  // Two more of the template's items for me.
  const tracker = (await api(page, "GET", "/boards")).data[0];
  const owner = (await api(page, "GET", `/boards/${tracker.id}`)).columns.find((c) => c.type === "people");
  for (const i of (await api(page, "GET", `/boards/${tracker.id}/items`)).data.filter((i) => ["Set up analytics", "Write release notes"].includes(i.name))) {
    await api(page, "PATCH", `/items/${i.id}`, { values: { [owner.id]: [me.user.id] } });
  }
  const work = await api(page, "GET", `/me/work?org_id=${me.orgs[0].org.id}`);
  const board = work.boards[0];
  const status = board.columns.find((c) => c.id === board.status_column_id);
  const done = status.settings.labels.find((l) => l.done).id;
  const open = work.items.filter((i) => i.values[status.id] !== done);
  assert.ok(open.length >= 2, "the template assigns me items");

  await page.getByRole("button", { name: "✓ My work" }).click();
  await page.getByRole("heading", { name: "My work" }).waitFor();
  assert.equal(new URL(page.url()).pathname, "/my-work");
  await page.locator(".work-table tbody tr").first().waitFor();
  assert.equal(await page.locator(".work-table tbody tr").count(), open.length, "every open item assigned to me");

  // Due yesterday: overdue. Done: gone (until done items are shown).
  const [first, second] = open;
  const yesterday = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
  await page.getByLabel(`Due date of ${first.name}`).fill(yesterday);
  await page.getByRole("region", { name: "Overdue" }).locator(`tr[data-item="${first.name}"]`).waitFor();
  await page.getByLabel(`Status of ${second.name}`).selectOption(done);
  await page.locator(`tr[data-item="${second.name}"]`).waitFor({ state: "detached" });
  await page.getByLabel("Show done items").check();
  await page.locator(`tr[data-item="${second.name}"]`).waitFor();
  const saved = (await api(page, "GET", `/items/${first.id}`)).values[board.date_column_id];
  assert.equal(saved, yesterday);
  assert.equal((await api(page, "GET", `/items/${second.id}`)).values[status.id], done);
  await page.screenshot({ path: path.join(shots, "my-work.png") });

  // Reloaded, the page is still My Work; a name opens the item on its board.
  await page.reload();
  await page.getByRole("heading", { name: "My work" }).waitFor();
  await page.locator(`tr[data-item="${first.name}"] .work-name`).click();
  await page.waitForFunction((name) => document.querySelector(".panel input.panel-name")?.value === name, first.name);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("the inbox groups a colleague's mentions by item; a reply from it lands on the item", async () => {
  const ann = await s.newUser("Ines", "ines@example.com");
  await ann.page.getByRole("button", { name: /Project tracker/ }).click();
  await row(ann.page, "Design landing page").waitFor();
  const me = await api(ann.page, "GET", "/me");
  const bo = await s.newUser("Omar", "omar@example.com");
  await join(ann.page, bo.page, me.orgs[0].org.id, "omar@example.com");
  const board = (await api(ann.page, "GET", "/boards")).data[0];
  const items = (await api(ann.page, "GET", `/boards/${board.id}/items`)).data;
  const item = items.find((i) => i.name === "Design landing page");
  for (const text of ["can you look at the hero?", "and the footer too"]) {
    await api(bo.page, "POST", `/items/${item.id}/updates`, { body: `@[${me.user.id}] ${text}`, files: [] });
  }
  await ann.page.getByRole("button", { name: /Inbox/ }).click();
  await ann.page.getByRole("heading", { name: "Inbox" }).waitFor();
  const group = ann.page.locator(`.inbox-group[data-key="${item.id}"]`);
  await group.getByLabel("2 unread").waitFor({ timeout: 10000 });
  assert.equal(await ann.page.locator(".inbox-group").count(), 1, "both mentions in one group");
  await group.getByRole("button", { name: "Reply" }).click();
  await group.getByLabel("Reply").fill("On it");
  await group.getByRole("button", { name: "Post reply" }).click();
  await group.getByText("Reply posted on the item.").waitFor();
  await ann.page.getByText("0 unread").waitFor();
  const updates = (await api(ann.page, "GET", `/items/${item.id}/updates`)).data;
  assert.ok(updates.some((u) => u.body === "On it" && u.author === me.user.id));
  await ann.page.getByLabel("Unread only").check();
  await ann.page.getByText("Nothing unread.").waitFor();
  await ann.page.getByLabel("Unread only").uncheck();
  await ann.page.screenshot({ path: path.join(shots, "inbox.png") });
  assert.deepEqual(ann.errors, []);
  await ann.ctx.close();
  await bo.ctx.close();
});
