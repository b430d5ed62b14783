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
  // Fixed with the reference buttons.
  await dialog.getByLabel("Formula expression").fill("");
  await dialog.getByRole("group", { name: "Insert a column" }).getByRole("button", { name: "Budget", exact: true }).click();
  await dialog.getByLabel("Formula expression").press("End");
  await dialog.getByLabel("Formula expression").pressSequentially(" * 1.2");
  assert.equal(await dialog.getByLabel("Formula expression").inputValue(), "{Budget} * 1.2");
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
