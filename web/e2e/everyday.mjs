// Browser tests of everyday actions through the UI: groups (add, rename by double-click,
// recolour, delete moving the items), the app's own dialogs where the browser's prompt and
// confirm boxes were, the item panel (its own URL, an editable name, Escape closes it) and
// moving an item from it to another board.
import { test } from "node:test";
import assert from "node:assert/strict";
import { api, row, sunday } from "./harness.mjs";

const s = sunday();

async function projectBoard(name, email) {
  const u = await s.newUser(name, email);
  // The app's dialogs replace the browser's: a native one showing up is a failure.
  u.native = [];
  u.page.on("dialog", (d) => { u.native.push(d.message()); d.dismiss(); });
  await u.page.getByRole("button", { name: /Project tracker/ }).click();
  await row(u.page, "Design landing page").waitFor();
  const board = await api(u.page, "GET", `/boards/${(await api(u.page, "GET", "/boards")).data[0].id}`);
  return { ...u, board };
}

const groupsOf = async (page, id) => (await api(page, "GET", `/boards/${id}`)).groups;

test("groups: add, rename by double-click, recolour, delete moving the items to another group", async () => {
  const { page, errors, ctx, board, native } = await projectBoard("Gus", "gus@example.com");
  await page.getByRole("button", { name: "Add group" }).click();
  await page.getByLabel("Group name").fill("Backlog");
  await page.getByRole("dialog", { name: "New group" }).getByRole("button", { name: "Add group" }).click();
  const title = (t) => page.locator(`[data-group-title="${t}"]`);
  await title("Backlog").waitFor();
  assert.equal((await groupsOf(page, board.id))[0].title, "Backlog", "a new group goes on top");

  // Double-click the title to rename it.
  await title("Backlog").locator(".group-name").dblclick();
  await page.getByLabel("Group name").fill("Icebox");
  await page.keyboard.press("Enter");
  await title("Icebox").waitFor();

  // Recolour from the group's menu.
  const [to, rgb] = (await groupsOf(page, board.id))[0].color === "purple" ? ["pink", "rgb(255, 21, 138)"] : ["purple", "rgb(162, 93, 220)"];
  await title("Icebox").getByRole("button", { name: "Icebox group menu" }).click();
  await page.getByRole("button", { name: `Colour ${to}` }).click();
  await page.waitForFunction((rgb) => getComputedStyle(document.querySelector('[data-group-title="Icebox"] .group-name')).color === rgb, rgb);
  assert.equal((await groupsOf(page, board.id)).find((g) => g.title === "Icebox").color, to);

  // An item in it, then delete the group moving its items to the next group.
  await page.getByLabel("Add item to Icebox").fill("Someday idea");
  await page.keyboard.press("Enter");
  await page.locator('tr[data-item="Someday idea"][data-group="Icebox"]').waitFor();
  const target = board.groups[0].title;
  await title("Icebox").getByRole("button", { name: "Icebox group menu" }).click();
  await page.getByRole("button", { name: "Delete group" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete group" });
  await dialog.getByLabel("Move items to").selectOption({ label: target });
  await dialog.getByRole("button", { name: "Delete group" }).click();
  await title("Icebox").waitFor({ state: "detached" });
  await page.locator(`tr[data-item="Someday idea"][data-group="${target}"]`).waitFor({ timeout: 3000 });
  await page.reload();
  await page.locator(`tr[data-item="Someday idea"][data-group="${target}"]`).waitFor();
  assert.ok(!(await groupsOf(page, board.id)).some((g) => g.title === "Icebox"));
  assert.deepEqual(native, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("invite, new workspace, save view, add card and delete board use the app's dialogs", async () => {
  const { page, errors, ctx, board, native } = await projectBoard("Ida", "ida@example.com");
  // Invite: the dialog asks for the email, the link shows.
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  await page.getByRole("dialog", { name: "Invite to the organization" }).getByLabel("Email").fill("new.person@example.com");
  await page.getByRole("button", { name: "Create invitation link" }).click();
  assert.match(await page.getByLabel("Invitation link").inputValue(), /\?invite=/);

  // New workspace; Escape cancels a dialog, the button opens it again.
  await page.getByRole("button", { name: "+ New workspace" }).click();
  await page.keyboard.press("Escape");
  assert.equal(await page.getByRole("dialog").count(), 0);
  await page.getByRole("button", { name: "+ New workspace" }).click();
  await page.getByLabel("Workspace name").fill("Marketing");
  await page.keyboard.press("Enter");
  await page.locator(".sidebar .section", { hasText: "Marketing" }).waitFor();

  // Save view.
  await page.getByRole("button", { name: "+ Save view" }).click();
  await page.getByLabel("View name").fill("Everything");
  await page.getByRole("dialog", { name: "Save view" }).getByRole("button", { name: "Save view" }).click();
  await page.locator(".tabs button.active", { hasText: "Everything" }).waitFor();

  // Add card: it starts in the lane it was added to.
  await page.getByRole("button", { name: "Kanban" }).click();
  await page.locator('[data-lane="Done"]').getByRole("button", { name: "+ Add card" }).click();
  await page.getByLabel("Card name").fill("Ship it");
  await page.keyboard.press("Enter");
  await page.locator('[data-lane="Done"] [data-card="Ship it"]').waitFor();

  // Delete board: Cancel keeps it, confirming deletes it.
  await page.getByRole("button", { name: "Board menu" }).click();
  await page.getByRole("button", { name: "Delete board" }).click();
  await page.getByRole("dialog", { name: "Delete board" }).getByRole("button", { name: "Cancel" }).click();
  await page.getByRole("heading", { name: board.name }).waitFor();
  await page.getByRole("button", { name: "Board menu" }).click();
  await page.getByRole("button", { name: "Delete board" }).click();
  await page.getByRole("dialog", { name: "Delete board" }).getByRole("button", { name: "Delete board" }).click();
  await page.getByText("Start with a template").waitFor();
  assert.equal((await api(page, "GET", "/boards")).data.length, 0);
  assert.deepEqual(native, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("the item panel: opened from its URL, its name editable, Escape closes it", async () => {
  const { page, errors, ctx, board, native } = await projectBoard("Joe", "joe@example.com");
  const item = (await api(page, "GET", `/boards/${board.id}/items`)).data.find((i) => i.name === "Set up analytics");
  await page.goto(`${s.base}/boards/${board.id}/items/${item.id}`);
  const panel = page.getByRole("dialog", { name: "Item" });
  await panel.getByLabel("Item name").waitFor();
  assert.equal(await panel.getByLabel("Item name").inputValue(), "Set up analytics");

  await panel.getByLabel("Item name").fill("Set up product analytics");
  await page.keyboard.press("Enter");
  await row(page, "Set up product analytics").waitFor({ timeout: 3000 });
  assert.equal((await api(page, "GET", `/items/${item.id}`)).name, "Set up product analytics");

  await page.keyboard.press("Escape");
  await panel.waitFor({ state: "detached" });
  assert.equal(new URL(page.url()).pathname, `/boards/${board.id}`);
  // Back brings the panel again: the item is part of the history.
  await page.goBack();
  await panel.waitFor();
  assert.deepEqual(native, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("groups: move up from the menu; collapsing is kept for the user across reloads", async () => {
  const { page, errors, ctx, board, native } = await projectBoard("Kim", "kim@example.com");
  const [first, second] = board.groups;
  const titles = () => page.locator("[data-group-title]").evaluateAll((ts) => ts.map((t) => t.getAttribute("data-group-title")));
  await page.locator(`[data-group-title="${second.title}"]`).getByRole("button", { name: `${second.title} group menu` }).click();
  await page.getByRole("button", { name: "Move up" }).click();
  await page.waitForFunction((t) => document.querySelector("[data-group-title]")?.getAttribute("data-group-title") === t, second.title);
  assert.deepEqual((await groupsOf(page, board.id)).slice(0, 2).map((g) => g.title), [second.title, first.title]);
  assert.equal((await titles())[1], first.title);

  const firstRow = (await api(page, "GET", `/boards/${board.id}/items`)).data.find((i) => i.group_id === first.id).name;
  await page.locator(`[data-group-title="${first.title}"]`).getByRole("button", { name: "Collapse group" }).click();
  await row(page, firstRow).waitFor({ state: "detached" });
  await page.waitForTimeout(300);
  await page.reload();
  await page.locator(`[data-group-title="${first.title}"]`).getByRole("button", { name: "Expand group" }).waitFor();
  assert.equal(await row(page, firstRow).count(), 0, "the collapsed group stays collapsed");
  await page.locator(`[data-group-title="${first.title}"]`).getByRole("button", { name: "Expand group" }).click();
  await row(page, firstRow).waitFor();
  assert.deepEqual(native, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("deleting items: several ask first; a toast (or Ctrl+Z) brings them back", async () => {
  const { page, errors, ctx, native } = await projectBoard("Lou", "lou@example.com");
  const bulk = page.getByRole("toolbar", { name: "Selected items" });
  await page.getByLabel("Select Design landing page").check();
  await page.getByLabel("Select Set up analytics").check();
  await bulk.getByRole("button", { name: "Delete" }).click();
  const ask = page.getByRole("dialog", { name: "Delete items" });
  await ask.getByRole("button", { name: "Cancel" }).click();
  assert.equal(await row(page, "Design landing page").count(), 1, "Cancel deletes nothing");
  await bulk.getByRole("button", { name: "Delete" }).click();
  await ask.getByRole("button", { name: "Delete 2 items" }).click();
  await row(page, "Set up analytics").waitFor({ state: "detached" });
  await page.locator(".toast", { hasText: "2 items deleted" }).getByRole("button", { name: "Undo" }).click();
  await row(page, "Design landing page").waitFor({ timeout: 3000 });
  await row(page, "Set up analytics").waitFor({ timeout: 3000 });

  // One item: no question, and Ctrl+Z undoes it.
  await page.getByLabel("Select Set up analytics").check();
  await bulk.getByRole("button", { name: "Delete" }).click();
  await row(page, "Set up analytics").waitFor({ state: "detached" });
  await page.locator(".toast", { hasText: '"Set up analytics" deleted' }).waitFor();
  await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
  await page.keyboard.press("Control+z");
  await row(page, "Set up analytics").waitFor({ timeout: 3000 });
  await page.reload();
  await row(page, "Set up analytics").waitFor();
  assert.deepEqual(native, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("the board menu renames, describes, exports CSV and duplicates without items; the owner exports the organization", async () => {
  const { page, errors, ctx, board, native } = await projectBoard("Max", "max@example.com");
  const menu = async (entry) => {
    await page.getByRole("button", { name: "Board menu" }).click();
    await page.getByRole("button", { name: entry }).click();
  };
  await menu("Rename board");
  await page.getByLabel("Board name").fill("Launch plan");
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "Launch plan" }).waitFor({ timeout: 3000 });
  await page.locator(".sidebar .board-name", { hasText: "Launch plan" }).waitFor();

  await menu("Edit description");
  await page.getByRole("textbox", { name: "Description" }).fill("Everything for the March launch");
  await page.keyboard.press("Enter");
  await page.getByText("Everything for the March launch").waitFor({ timeout: 3000 });

  await page.getByRole("button", { name: "Board menu" }).click();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export to CSV" }).click()]);
  const csv = await (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString("utf8"));
  assert.match(csv, /Design landing page/);

  // The owner downloads the whole organization from the sidebar.
  const [orgDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export organization" }).click()]);
  const tar = await (await orgDownload.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString("latin1"));
  assert.match(tar, /"kind": "sunday-org"/);
  assert.match(tar, /Design landing page/);
  assert.doesNotMatch(tar, /\$argon2/);

  await menu("Duplicate board");
  await page.getByLabel("Name of the copy").fill("Launch template");
  await page.getByLabel("Copy the items too").uncheck();
  await page.getByRole("dialog", { name: "Duplicate board" }).getByRole("button", { name: "Duplicate" }).click();
  await page.getByRole("heading", { name: "Launch template" }).waitFor({ timeout: 5000 });
  await page.locator(`[data-group-title="${board.groups[0].title}"]`).waitFor();
  assert.equal(await page.locator("tr[data-item]").count(), 0, "the copy has no items");
  await page.locator(".sidebar .board-name", { hasText: "Launch template" }).waitFor();
  assert.deepEqual(native, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("the item panel's activity log says which column changed, from what to what, and when", async () => {
  const { page, errors, ctx, board, native } = await projectBoard("Ned", "ned@example.com");
  const item = (await api(page, "GET", `/boards/${board.id}/items`)).data.find((i) => i.name === "Write release notes");
  const status = board.columns.find((c) => c.type === "status");
  const label = (name) => status.settings.labels.find((l) => l.name === name);
  const before = status.settings.labels.find((l) => l.id === item.values[status.id]);
  const after = before?.name === "Done" ? label("Stuck") : label("Done");
  await api(page, "PATCH", `/items/${item.id}`, { values: { [status.id]: after.id } });
  await api(page, "PATCH", `/items/${item.id}`, { name: "Write the release notes" });
  await page.goto(`${s.base}/boards/${board.id}/items/${item.id}`);
  const panel = page.getByRole("dialog", { name: "Item" });
  await panel.getByRole("button", { name: "Activity log" }).click();
  const change = panel.locator(`.activity .change[data-column="${status.title}"]`).first();
  await change.waitFor();
  const text = await change.innerText();
  assert.match(text, new RegExp(`${status.title}:\\s*${before ? before.name : ""}\\s*→\\s*${after.name}`), text);
  await panel.locator(".activity li", { hasText: "renamed “Write release notes” → “Write the release notes”" }).waitFor();
  assert.match(await panel.locator(".activity li").first().innerText(), /\d{1,2}:\d{2}/, "entries have a time");
  assert.deepEqual(native, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("search: a clear button, Escape clears, and 'no results' says so", async () => {
  const { page, errors, ctx, native } = await projectBoard("Ola", "ola@example.com");
  const all = await page.locator("tr[data-item]").count();
  const search = page.getByLabel("Search", { exact: true });
  await search.fill("zzz-nothing");
  await page.getByText("No items match “zzz-nothing”.").waitFor({ timeout: 3000 });
  await page.getByRole("button", { name: "Clear search", exact: true }).click();
  assert.equal(await search.inputValue(), "");
  await page.waitForFunction((n) => document.querySelectorAll("tr[data-item]").length === n, all);
  await search.fill("design");
  await page.waitForFunction(() => document.querySelectorAll("tr[data-item]").length === 1);
  await search.press("Escape");
  assert.equal(await search.inputValue(), "");
  await page.waitForFunction((n) => document.querySelectorAll("tr[data-item]").length === n, all);
  assert.equal(await page.locator(".no-results").count(), 0);
  assert.deepEqual(native, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("numbers read with thousands separators and their unit; a done item's past date is not overdue", async () => {
  const { page, errors, ctx, board, native } = await projectBoard("Pia", "pia@example.com");
  const items = (await api(page, "GET", `/boards/${board.id}/items`)).data;
  const col = (title) => board.columns.find((c) => c.title === title);
  const status = board.columns.find((c) => c.type === "status");
  const done = status.settings.labels.find((l) => l.done);
  const notDone = status.settings.labels.find((l) => !l.done);
  const [a, b] = items;
  const past = "2020-01-15";
  await api(page, "PATCH", `/items/${a.id}`, { values: { [col("Budget").id]: 1234567, [col("Due date").id]: past, [status.id]: done.id } });
  await api(page, "PATCH", `/items/${b.id}`, { values: { [col("Due date").id]: past, [status.id]: notDone.id } });
  await page.reload();
  await row(page, a.name).waitFor();
  assert.equal(await row(page, a.name).locator('td[data-column="Budget"]').innerText(), "$1,234,567");
  assert.equal(await row(page, a.name).locator('td[data-column="Due date"] .overdue').count(), 0, "done: not overdue");
  assert.equal(await row(page, b.name).locator('td[data-column="Due date"] .overdue').count(), 1, "not done: overdue");
  assert.deepEqual(native, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("'New board' in the sidebar asks for a name and a template", async () => {
  const { page, errors, ctx, native } = await projectBoard("Quinn", "quinn@example.com");
  await page.getByRole("button", { name: "+ New board" }).first().click();
  const dialog = page.getByRole("dialog", { name: "New board" });
  await dialog.getByLabel("Start from").selectOption({ label: "Bug tracker" });
  assert.equal(await dialog.getByLabel("Board name").inputValue(), "Bug tracker", "a template names the board");
  await dialog.getByLabel("Board name").fill("Q3 bugs");
  await dialog.getByRole("button", { name: "Create board" }).click();
  await page.getByRole("heading", { name: "Q3 bugs" }).waitFor({ timeout: 5000 });
  await row(page, "Typo on pricing page").waitFor();
  await page.locator(".sidebar .board-name", { hasText: "Q3 bugs" }).waitFor();
  assert.deepEqual(native, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("filters: a badge counts the conditions in force; 'Clear all' removes them", async () => {
  const { page, errors, ctx, native } = await projectBoard("Rae", "rae@example.com");
  const all = await page.locator("tr[data-item]").count();
  await page.getByRole("button", { name: "Filter", exact: true }).click();
  assert.equal(await page.locator(".filter-badge").count(), 0, "an empty condition is not in force");
  await page.getByLabel("Filter value").fill("design");
  await page.waitForFunction(() => document.querySelectorAll("tr[data-item]").length === 1);
  assert.equal(await page.locator(".filter-badge").innerText(), "1");
  await page.getByRole("button", { name: "Clear all" }).click();
  await page.waitForFunction((n) => document.querySelectorAll("tr[data-item]").length === n, all);
  assert.equal(await page.getByLabel("Filter column").count(), 0);
  assert.equal(await page.locator(".filter-badge").count(), 0);
  assert.deepEqual(native, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("a grey group's title is readable (3:1 on white)", async () => {
  const { page, errors, ctx, board } = await projectBoard("Sol", "sol@example.com");
  await api(page, "POST", `/boards/${board.id}/groups`, { title: "Parked", color: "grey" });
  const name = page.locator('[data-group-title="Parked"] .group-name');
  await name.waitFor({ timeout: 3000 });
  const contrast = await name.evaluate((el) => {
    const [r, g, b] = getComputedStyle(el).color.match(/\d+/g).map((c) => {
      const v = Number(c) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05);
  });
  assert.ok(contrast >= 3, `contrast ${contrast.toFixed(2)}:1`);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("move to board: from the item panel to another board's group, with its update; a refusal is shown as the server says it", async () => {
  const { page, errors, ctx, board, native } = await projectBoard("Uma", "uma@example.com");
  const items = (await api(page, "GET", `/boards/${board.id}/items`)).data;
  const item = items.find((i) => i.name === "Design landing page");
  await api(page, "POST", `/items/${item.id}/updates`, { body: "Mockups are in the drive" });
  // An item with a subitem cannot move yet; the server says why.
  const parent = items.find((i) => i.name === "Set up analytics");
  await api(page, "POST", `/items/${parent.id}/subitems`, { name: "Pick a tool" });
  const other = await api(page, "POST", "/boards", { name: "Marketing plan", workspace_id: board.workspace_id, template: "project_tracker" });
  const done = other.groups.find((g) => g.title === "Done");
  await page.reload();
  await row(page, "Design landing page").waitFor();

  const panel = page.getByRole("dialog", { name: "Item" });
  const dialog = page.getByRole("dialog", { name: "Move to board" });
  await row(page, "Set up analytics").getByRole("button", { name: /Open updates/ }).click();
  await panel.getByRole("button", { name: "Move to board…" }).click();
  await dialog.getByRole("button", { name: "Move", exact: true }).click();
  await dialog.getByRole("alert").filter({ hasText: "an item with subitems cannot move to another board yet" }).waitFor();
  // Escape closes the dialog only; the panel stays.
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  await panel.waitFor();
  await page.keyboard.press("Escape");
  await panel.waitFor({ state: "detached" });

  await row(page, "Design landing page").getByRole("button", { name: /Open updates/ }).click();
  await panel.getByRole("button", { name: "Move to board…" }).click();
  // This board is not offered; the other one is, with its groups (once the boards are read).
  await dialog.getByLabel("Board").locator("option", { hasText: "Marketing plan" }).waitFor({ state: "attached" });
  const offered = await dialog.getByLabel("Board").locator("option").allInnerTexts();
  assert.deepEqual(offered, ["Marketing plan"]);
  await dialog.getByLabel("Group").locator(`option[value="${done.id}"]`).waitFor({ state: "attached" });
  await dialog.getByLabel("Group").selectOption({ label: "Done" });
  await dialog.getByRole("button", { name: "Move", exact: true }).click();
  await dialog.waitFor({ state: "detached" });
  await panel.waitFor({ state: "detached" });
  await row(page, "Design landing page").waitFor({ state: "detached", timeout: 3000 });
  const toast = page.locator(".toast", { hasText: '"Design landing page" moved to Marketing plan' });
  await toast.getByRole("button", { name: "Open board" }).click();

  // On the target board: in Done, its update counted on the bubble and in the panel.
  await page.getByRole("heading", { name: "Marketing plan" }).waitFor({ timeout: 5000 });
  const moved = page.locator('tr[data-item="Design landing page"][data-group="Done"]');
  await moved.waitFor();
  await moved.getByRole("button", { name: "Open updates (1)" }).click();
  await panel.getByText("Mockups are in the drive").waitFor();
  await panel.getByRole("button", { name: "Activity log" }).click();
  await panel.locator('li[data-kind="item_created"]', { hasText: `Uma moved “Design landing page” here from ${board.name}` }).waitFor();
  assert.equal((await api(page, "GET", `/items/${item.id}`)).board_id, other.id, "the same item, now on the other board");
  assert.deepEqual(native, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});
