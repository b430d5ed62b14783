// Browser tests of forms: built on a board (questions, required, title), published, filled in
// from a logged-out phone, the item appearing live on the owner's board; a password asked first.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { api, row, shots, sunday } from "./harness.mjs";

const s = sunday();

test("a published form, filled in from a logged-out phone, creates an item that appears live", async () => {
  const { page, errors, ctx } = await s.newUser("Fern", "fern@example.com");
  await page.getByRole("button", { name: /Project tracker/ }).click();
  await row(page, "Design landing page").waitFor();
  const board = await api(page, "GET", `/boards/${(await api(page, "GET", "/boards")).data[0].id}`);
  const priority = board.columns.find((c) => c.title === "Priority");
  const budget = board.columns.find((c) => c.title === "Budget");

  // Build it: a title, two questions (one required), published.
  await page.getByRole("button", { name: "Form", exact: true }).click();
  await page.getByRole("button", { name: "Create a form" }).click();
  const title = page.getByLabel("Title");
  await title.fill("Request a feature");
  await title.press("Enter");
  await page.getByLabel("Add a question").selectOption({ label: "Priority" });
  await page.locator('.form-field[data-column="Priority"]').waitFor();
  await page.getByLabel("Add a question").selectOption({ label: "Budget" });
  await page.locator('.form-field[data-column="Budget"]').waitFor();
  await page.locator('.form-field[data-column="Priority"]').getByLabel("Required").check();
  await page.getByLabel(/Published/).check();
  const link = await page.getByLabel("Form link").inputValue();
  assert.match(link, /\/forms\/[^/]+\.[^/]+$/);
  await page.evaluate(() => { for (const e of document.querySelectorAll("*")) if (e.scrollTop) e.scrollTop = 0; });
  await page.screenshot({ path: path.join(shots, "form.png") });

  // Kept across a reload: the form is a saved view.
  await page.reload();
  await page.getByRole("button", { name: "Form", exact: true }).click();
  assert.equal(await page.getByLabel("Title").inputValue(), "Request a feature");
  assert.equal(await page.locator(".form-field").count(), 2);
  assert.equal(await page.locator('.form-field[data-column="Priority"]').getByLabel("Required").isChecked(), true);
  await page.getByRole("button", { name: "Main table" }).click();
  await row(page, "Design landing page").waitFor();

  // A stranger on a phone: no session, no login screen.
  const phone = await s.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const visitor = await phone.newPage();
  const visitorErrors = [];
  visitor.on("console", (m) => m.type() === "error" && !/Failed to load resource/.test(m.text()) && visitorErrors.push(m.text()));
  await visitor.goto(link);
  await visitor.getByRole("heading", { name: "Request a feature" }).waitFor();
  assert.equal(await visitor.getByRole("button", { name: "Sign up" }).count(), 0);
  await visitor.getByLabel("Name").fill("Dark mode");
  await visitor.getByLabel("Priority").selectOption({ label: "High" });
  await visitor.getByLabel("Budget").fill("1200");
  const width = await visitor.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the form fits a phone's width (${width}px)`);
  await visitor.screenshot({ path: path.join(shots, "form-phone.png") });
  await visitor.getByRole("button", { name: "Submit" }).click();
  await visitor.getByText("Thank you!").waitFor();

  // On the owner's board without a reload, created by the Form actor.
  await row(page, "Dark mode").waitFor({ timeout: 5000 });
  const item = (await api(page, "GET", `/boards/${board.id}/items?limit=500`)).data.find((i) => i.name === "Dark mode");
  const high = priority.settings.labels.find((l) => l.name === "High");
  assert.equal(item.values[priority.id], high.id);
  assert.equal(item.values[budget.id], 1200);
  assert.equal(item.created_by, "00000000-0000-7000-8000-0000a0700005");

  // A password: asked before the questions; a wrong one is said so.
  await page.getByRole("button", { name: "Form", exact: true }).click();
  await page.getByLabel("Form password").fill("let me in");
  await page.getByRole("button", { name: "Set password" }).click();
  await page.getByText("Asks for a password.").waitFor();
  await visitor.goto(link);
  await visitor.getByLabel("This form asks for a password").fill("guess");
  await visitor.getByRole("button", { name: "Open the form" }).click();
  await visitor.getByText("That password is not right.").waitFor();
  await visitor.getByLabel("This form asks for a password").fill("let me in");
  await visitor.getByRole("button", { name: "Open the form" }).click();
  await visitor.getByLabel("Name").fill("Offline mode");
  await visitor.getByLabel("Priority").selectOption({ label: "Low" });
  await visitor.getByRole("button", { name: "Submit" }).click();
  await visitor.getByText("Thank you!").waitFor();
  const names = (await api(page, "GET", `/boards/${board.id}/items?limit=500`)).data.map((i) => i.name);
  assert.ok(names.includes("Offline mode"));

  assert.deepEqual(errors, []);
  assert.deepEqual(visitorErrors, []);
  await phone.close();
  await ctx.close();
});
