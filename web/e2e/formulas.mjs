// Browser test of formula columns: created from the column picker through the formula editor,
// a refused expression shown with its mistake marked, the computed values in the table, a
// changed expression and an edited input recomputed live.
import { test } from "node:test";
import assert from "node:assert/strict";
import { api, row, shots, sunday } from "./harness.mjs";
import path from "node:path";

const s = sunday();

test("formulas: create through the editor, see where a refused one is wrong, values follow edits", async () => {
  const { page, errors, ctx } = await s.newUser("Fay", "fay@example.com");
  await page.getByRole("button", { name: /Project tracker/ }).click();
  await row(page, "Define launch goals").waitFor();
  const cell = (item) => row(page, item).locator('td[data-column="With tax"]');

  await page.getByRole("button", { name: "Add column" }).first().click();
  await page.getByLabel("New column title").fill("With tax");
  await page.getByLabel("New column type").selectOption("formula");
  await page.getByRole("button", { name: "Create column" }).click();
  const dialog = page.getByRole("dialog", { name: "New formula column" });
  // A mistake: the server refuses it and the editor marks where.
  await dialog.getByLabel("Formula expression").fill("{Budget} * {Notes}");
  await dialog.getByRole("button", { name: "Save formula" }).click();
  await dialog.getByRole("alert").getByText(/cannot combine a number and a text/).waitFor();
  assert.equal(await dialog.locator("mark").textContent(), "{Budget} * {Notes}");
  // Fixed by completing a column's title after `{`; the preview computes the first items.
  await dialog.getByLabel("Formula expression").fill("");
  await dialog.getByLabel("Formula expression").pressSequentially("{Bud");
  await dialog.getByRole("listbox", { name: "Columns" }).getByRole("option", { name: "Budget" }).click();
  await dialog.getByLabel("Formula expression").pressSequentially(" * 1.2");
  assert.equal(await dialog.getByLabel("Formula expression").inputValue(), "{Budget} * 1.2");
  await dialog.getByRole("table", { name: "Preview" }).getByRole("row", { name: /Define launch goals 1440/ }).waitFor();
  await page.screenshot({ path: path.join(shots, "formula-editor.png") });
  await dialog.getByRole("button", { name: "Save formula" }).click();
  await dialog.waitFor({ state: "detached" });
  await cell("Define launch goals").getByText("1,440").waitFor({ timeout: 5000 });
  await cell("Customer webinar").getByText("960").waitFor();
  assert.equal((await cell("Design landing page").textContent()).trim(), "0", "an empty number counts as 0, as in a spreadsheet");

  // Editing an input recomputes the formula, live.
  const board = await api(page, "GET", `/boards/${(await api(page, "GET", "/boards")).data[0].id}`);
  const budget = board.columns.find((c) => c.title === "Budget");
  const items = await api(page, "GET", `/boards/${board.id}/items`);
  const webinar = items.data.find((i) => i.name === "Customer webinar");
  await api(page, "PATCH", `/items/${webinar.id}`, { values: { [budget.id]: 1000 } });
  await cell("Customer webinar").getByText("1,200").waitFor({ timeout: 5000 });

  // The column menu edits the expression; every item follows.
  await page.getByRole("button", { name: "With tax column menu" }).first().click();
  await page.getByRole("button", { name: "Edit formula" }).click();
  const edit = page.getByRole("dialog", { name: "Formula: With tax" });
  assert.equal(await edit.getByLabel("Formula expression").inputValue(), "{Budget} * 1.2");
  await edit.getByLabel("Formula expression").fill('IF({Budget} > 900, "big", "small")');
  await edit.getByRole("button", { name: "Save formula" }).click();
  await edit.waitFor({ state: "detached" });
  await cell("Define launch goals").getByText("big").waitFor({ timeout: 5000 });
  await page.reload();
  await cell("Customer webinar").getByText("big").waitFor();
  await cell("Customer webinar").scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, "formula-column.png") });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("dependencies: pick what an item depends on; moving its predecessor's dates moves it", async () => {
  const { page, errors, ctx } = await s.newUser("Dee", "dee@example.com");
  await page.getByRole("button", { name: /Project tracker/ }).click();
  await row(page, "Define launch goals").waitFor();
  await page.getByRole("button", { name: "Add column" }).first().click();
  await page.getByLabel("New column title").fill("Depends on");
  await page.getByLabel("New column type").selectOption("dependency");
  await page.getByRole("button", { name: "Create column" }).click();
  await page.getByRole("button", { name: "Depends on column menu" }).first().click();
  await page.getByRole("button", { name: "Dependency settings" }).click();
  const settings = page.getByRole("dialog", { name: "Dependencies: Depends on" });
  await settings.getByLabel("Date column").selectOption({ label: "Timeline" });
  await settings.getByRole("radio", { name: /Keep the gap/ }).check();
  await settings.getByRole("button", { name: "Save" }).click();
  await settings.waitFor({ state: "detached" });

  // The webinar depends on the launch goals.
  const cell = row(page, "Customer webinar").locator('td[data-column="Depends on"]');
  await cell.click();
  await page.getByLabel("Find an item").fill("launch");
  await page.getByRole("group", { name: "Depends on" }).getByLabel("Define launch goals").check();
  await page.locator(".palette.deps").getByRole("button", { name: "Save" }).click();
  await cell.getByText("Define launch goals").waitFor({ timeout: 5000 });

  // Two more days for the launch goals: the webinar moves two days, and the table shows it.
  const board = await api(page, "GET", `/boards/${(await api(page, "GET", "/boards")).data[0].id}`);
  const tl = board.columns.find((c) => c.title === "Timeline").id;
  const items = (await api(page, "GET", `/boards/${board.id}/items`)).data;
  const goals = items.find((i) => i.name === "Define launch goals");
  const webinar = items.find((i) => i.name === "Customer webinar");
  const plus = (d, n) => new Date(Date.parse(d) + n * 86_400_000).toISOString().slice(0, 10);
  const shown = await row(page, "Customer webinar").locator('td[data-column="Timeline"]').textContent();
  await api(page, "PATCH", `/items/${goals.id}`, { values: { [tl]: { from: goals.values[tl].from, to: plus(goals.values[tl].to, 2) } } });
  const moved = (await api(page, "GET", `/items/${webinar.id}`)).values[tl];
  assert.deepEqual(moved, { from: plus(webinar.values[tl].from, 2), to: plus(webinar.values[tl].to, 2) });
  await page.waitForFunction(([before]) => document.querySelector('tr[data-item="Customer webinar"] td[data-column="Timeline"]')?.textContent !== before, [shown]);
  // The item panel says what an item blocks.
  await page.goto(`${s.base}/boards/${board.id}/items/${goals.id}`);
  const panel = page.getByRole("dialog", { name: "Item" });
  await panel.locator("tr.dependents", { hasText: "→ Customer webinar" }).waitFor();
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("connected boards: link items of another board and mirror their budget, which follows their edits", async () => {
  const { page, errors, ctx } = await s.newUser("Rae", "rae@example.com");
  await page.getByRole("button", { name: /Project tracker/ }).click();
  await row(page, "Define launch goals").waitFor();
  const projects = (await api(page, "GET", "/boards")).data[0];
  const clients = await api(page, "POST", "/boards", { name: "Clients", workspace_id: projects.workspace_id });
  const budget = await api(page, "POST", `/boards/${clients.id}/columns`, { title: "Budget", type: "number" });
  const acme = await api(page, "POST", `/boards/${clients.id}/items`, { name: "Acme", values: { [budget.id]: 100 } });
  await api(page, "POST", `/boards/${clients.id}/items`, { name: "Initech", values: { [budget.id]: 40 } });

  // Connect the boards from the column picker.
  await page.getByRole("button", { name: "Add column" }).first().click();
  await page.getByLabel("New column title").fill("Client");
  await page.getByLabel("New column type").selectOption("board_relation");
  await page.getByRole("button", { name: "Create column" }).click();
  const connect = page.getByRole("dialog", { name: "Connect boards" });
  await connect.getByLabel("Board to connect").selectOption({ label: "Clients" });
  await connect.getByRole("button", { name: "Connect" }).click();
  await connect.waitFor({ state: "detached" });

  // Link a project to a client, found by name.
  const cell = (title) => row(page, "Define launch goals").locator(`td[data-column="${title}"]`);
  await cell("Client").click();
  await page.getByLabel("Find an item to link").fill("Acm");
  await page.getByRole("group", { name: "Linked in Client" }).getByLabel("Acme").check();
  await page.locator(".palette.deps").getByRole("button", { name: "Save" }).click();
  await cell("Client").getByText("Acme").waitFor({ timeout: 5000 });

  // A mirror sums the linked clients' budgets.
  await page.getByRole("button", { name: "Add column" }).first().click();
  await page.getByLabel("New column title").fill("Client budget");
  await page.getByLabel("New column type").selectOption("mirror");
  await page.getByRole("button", { name: "Create column" }).click();
  const mirror = page.getByRole("dialog", { name: "Mirror a linked column" });
  await mirror.getByLabel("Linked column").selectOption({ label: "Budget" });
  await mirror.getByLabel("Mirror function").selectOption({ label: "Sum" });
  await mirror.getByRole("button", { name: "Create mirror" }).click();
  await mirror.waitFor({ state: "detached" });
  await cell("Client budget").getByText("100").waitFor({ timeout: 5000 });

  // The client's budget changes on its board: the mirror follows, live.
  await api(page, "PATCH", `/items/${acme.id}`, { values: { [budget.id]: 250 } });
  await cell("Client budget").getByText("250").waitFor({ timeout: 5000 });
  // The clients board shows the link back.
  const back = await api(page, "GET", `/items/${acme.id}`);
  const reverse = (await api(page, "GET", `/boards/${clients.id}`)).columns.find((c) => c.type === "board_relation");
  assert.equal(back.values[reverse.id].item_ids.length, 1);
  await cell("Client budget").scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, "connected-boards.png") });

  // Deleting the relation the mirror reads is refused; "Delete anyway" leaves the mirror saying why.
  await page.getByRole("button", { name: "Client column menu" }).first().click();
  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog", { name: "Delete column" }).getByRole("button", { name: "Delete column" }).click();
  const anyway = page.getByRole("dialog", { name: "Other columns depend on it" });
  await anyway.getByText(/mirror column "Client budget" reads/).waitFor();
  await anyway.getByRole("button", { name: "Delete anyway" }).click();
  await cell("Client budget").getByText(/it read was deleted/).waitFor({ timeout: 5000 });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("subitems: expand an item, add subitems and subitems of theirs; a rollup sums their hours into the parent", async () => {
  const { page, errors, ctx } = await s.newUser("Sol", "sol@example.com");
  await page.getByRole("button", { name: /Project tracker/ }).click();
  await row(page, "Define launch goals").waitFor();
  await page.getByRole("button", { name: "Subitems of Define launch goals" }).click();
  const region = page.getByRole("region", { name: "Subitems of Define launch goals" });
  await region.getByLabel("Add subitem to Define launch goals").fill("Draft brief");
  await region.getByLabel("Add subitem to Define launch goals").press("Enter");
  await region.locator('tr[data-subitem="Draft brief"]').waitFor();
  // A subitem's own subitems, one level deeper.
  await region.getByRole("button", { name: "Subitems of Draft brief" }).click();
  const deeper = page.getByRole("region", { name: "Subitems of Draft brief" });
  await deeper.getByLabel("Add subitem to Draft brief").fill("Outline");
  await deeper.getByLabel("Add subitem to Draft brief").press("Enter");
  await deeper.locator('tr[data-subitem="Outline"]').waitFor();
  // Subitems count on their own switches too, one level down.
  await region.getByRole("button", { name: "Subitems of Draft brief" }).getByTestId("subitem-count").getByText("1", { exact: true }).waitFor({ timeout: 5000 });
  // A subitem someone else adds appears in the open table, live.
  const top = (await api(page, "GET", `/boards/${(await api(page, "GET", "/boards")).data[0].id}/items`)).data.find((i) => i.name === "Define launch goals");
  await api(page, "POST", `/items/${top.id}/subitems`, { name: "Review copy" });
  await region.locator('tr[data-subitem="Review copy"]').waitFor({ timeout: 5000 });
  // The row's switch and its group's footer count them (direct subitems: Outline is Draft brief's).
  await page.getByRole("button", { name: "Subitems of Define launch goals" }).getByTestId("subitem-count").getByText("2", { exact: true }).waitFor({ timeout: 5000 });
  await page.getByTestId("group-subitems").getByText("2 subitems", { exact: true }).waitFor({ timeout: 5000 });

  // Hours on the subitem board, and a rollup of them into the parent from the column picker.
  const projects = (await api(page, "GET", "/boards")).data[0];
  const board = await api(page, "GET", `/boards/${projects.id}`);
  const hours = await api(page, "POST", `/boards/${board.subitem_board_id}/columns`, { title: "Hours", type: "number" });
  const goals = (await api(page, "GET", `/boards/${board.id}/items`)).data.find((i) => i.name === "Define launch goals");
  const brief = (await api(page, "GET", `/items/${goals.id}/subitems`)).data[0];
  await api(page, "PATCH", `/items/${brief.id}`, { values: { [hours.id]: 3 } });
  await page.getByRole("button", { name: "Add column" }).first().click();
  await page.getByLabel("New column title").fill("Sub hours");
  await page.getByLabel("New column type").selectOption("rollup");
  await page.getByRole("button", { name: "Create column" }).click();
  const dialog = page.getByRole("dialog", { name: "Roll up a column" });
  assert.equal(await dialog.getByLabel("Relation column").inputValue(), "subitems", "a rollup on a board without relations reads the subitems");
  await dialog.getByLabel("Linked column").selectOption({ label: "Hours" });
  await dialog.getByLabel("Mirror function").selectOption({ label: "Sum" });
  await dialog.getByRole("button", { name: "Create rollup" }).click();
  await dialog.waitFor({ state: "detached" });
  await row(page, "Define launch goals").locator('td[data-column="Sub hours"]').getByText("3").waitFor({ timeout: 5000 });
  await page.screenshot({ path: path.join(shots, "subitems.png") });
  assert.deepEqual(errors, []);
  await ctx.close();
});
