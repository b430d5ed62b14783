// Browser test of automations: a recipe built in the Automations dialog with the sentence
// builder ("When Status changes to Done, move to group Done and notify Owner"), then a status
// flipped in the table: the item moves to Done and the owner's bell rings, with the run in the
// recipe's history.
import { test } from "node:test";
import assert from "node:assert/strict";
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
  const wanted = "When Status changes to Done, then move to group Done and notify Owner";
  assert.equal(await dialog.getByLabel("Sentence").innerText(), wanted);
  await dialog.getByRole("button", { name: "Save automation" }).click();
  await dialog.locator(".automations .sentence", { hasText: wanted }).waitFor();
  await dialog.getByRole("button", { name: "Done", exact: true }).last().click();

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
