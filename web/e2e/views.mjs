// Browser tests of views: leaving a saved view for the main table, showing hidden columns
// again one by one, and the kanban keeping the sort.
import { test } from "node:test";
import assert from "node:assert/strict";
import { api, row, sunday } from "./harness.mjs";

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
