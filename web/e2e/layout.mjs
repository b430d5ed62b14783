// Browser tests of the app's frame: the dark theme that follows the system setting, the table's
// sticky group titles, column headers and name column, the sidebar (fixed, collapsible, a
// drawer at phone width) and the keyboard shortcuts sheet. Writes the dark-theme and
// phone-width screenshots.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { api, row, shots, sunday } from "./harness.mjs";

const s = sunday();

async function projectBoard(name, email, viewport) {
  const u = await s.newUser(name, email, viewport);
  await u.page.getByRole("button", { name: /Project tracker/ }).click();
  await row(u.page, "Design landing page").waitFor();
  return u;
}

const background = (locator) => locator.evaluate((el) => getComputedStyle(el).backgroundColor);
const box = (locator) => locator.evaluate((el) => {
  const r = el.getBoundingClientRect();
  return { top: r.top, left: r.left, right: r.right, bottom: r.bottom, width: r.width };
});

test("the theme follows the system's colour scheme, dark included", async () => {
  const { page, errors, ctx } = await projectBoard("Nyx", "nyx@example.com");
  const body = page.locator("body");
  const cell = row(page, "Design landing page").locator('td[data-column="Notes"]');
  assert.equal(await background(body), "rgb(246, 247, 251)");
  assert.equal(await background(cell), "rgb(255, 255, 255)");
  await page.emulateMedia({ colorScheme: "dark" });
  await page.waitForFunction(() => getComputedStyle(document.body).backgroundColor === "rgb(24, 27, 52)");
  assert.equal(await background(cell), "rgb(38, 41, 69)", "cells are dark too");
  assert.equal(await cell.evaluate((el) => getComputedStyle(el).color), "rgb(224, 226, 234)", "text is light");
  assert.equal(await background(page.locator(".sidebar")), "rgb(38, 41, 69)");
  // Inputs follow (the search box), and group titles keep their own colour on the dark page.
  assert.equal(await background(page.getByLabel("Search", { exact: true })), "rgb(38, 41, 69)");
  await page.screenshot({ path: path.join(shots, "dark.png") });
  await page.emulateMedia({ colorScheme: "light" });
  await page.waitForFunction(() => getComputedStyle(document.body).backgroundColor === "rgb(246, 247, 251)");
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("group titles and column headers stick to the top while rows scroll; the name column sticks sideways", async () => {
  const { page, errors, ctx } = await s.newUser("Stick", "stick@example.com");
  await page.getByRole("button", { name: /Blank board/ }).click();
  await page.getByRole("heading", { name: "New board" }).waitFor();
  const board = (await api(page, "GET", "/boards")).data[0];
  for (let c = 1; c <= 14; c++) await api(page, "POST", `/boards/${board.id}/columns`, { title: `Field ${c}`, type: "text" });
  const group = await api(page, "POST", `/boards/${board.id}/groups`, { title: "Long group", color: "purple", position: { at: "top" } });
  const items = Array.from({ length: 80 }, (_, n) => ({ name: `Long ${n + 1}`, group_id: group.id }));
  await api(page, "POST", `/boards/${board.id}/items/bulk`, { items });
  await page.reload();
  await row(page, "Long 1").waitFor();
  const wrap = page.locator(".table-wrap");
  const frame = await box(wrap);

  // Down into the group: its title sits at the top of the table, its headers right under it.
  await wrap.evaluate((el) => el.scrollTo(0, 1500));
  await page.waitForTimeout(300);
  assert.ok(!(await row(page, "Long 1").isVisible()) || (await box(row(page, "Long 1"))).bottom < frame.top, "the first rows scrolled away");
  const title = await box(page.locator('[data-group-title="Long group"]'));
  assert.ok(Math.abs(title.top - frame.top) <= 6, `the title sticks at the top (${title.top} vs ${frame.top})`);
  const head = await box(page.locator('tr.head-row th[data-header="Field 1"]').first());
  assert.ok(head.top >= title.top + 30 && head.top <= frame.top + 50, `the headers stick under the title (${head.top})`);
  // A row under the headers, not behind them: the first row shown starts below them.
  const under = await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.closest("tr")?.className, [frame.left + 400, head.top + 5]);
  assert.equal(under, "head-row", "the headers are on top of the rows scrolling under them");

  // Sideways: the name column and the group title stay, the other columns move.
  const before = await box(page.locator('tr.head-row th[data-header="Field 3"]').first());
  await wrap.evaluate((el) => el.scrollBy(600, 0));
  await page.waitForTimeout(200);
  const after = await box(page.locator('tr.head-row th[data-header="Field 3"]').first());
  assert.ok(Math.abs(before.left - after.left - 600) <= 2, `columns scroll sideways (${before.left} → ${after.left})`);
  const name = await box(page.locator("tr[data-item] td.name-col").nth(10));
  assert.ok(Math.abs(name.left - frame.left) <= 2, `the name column sticks at the left (${name.left} vs ${frame.left})`);
  const nameHead = await box(page.locator("tr.head-row th.name-col").first());
  assert.ok(Math.abs(nameHead.left - frame.left) <= 2 && Math.abs(nameHead.top - head.top) <= 2, "the name header sticks in both directions");
  const titleNow = await box(page.locator('[data-group-title="Long group"]'));
  assert.ok(Math.abs(titleNow.left - frame.left) <= 8 && Math.abs(titleNow.top - frame.top) <= 6, "the group title stays in view");
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("the sidebar stays put, collapses (remembered) and comes back from the menu button", async () => {
  const { page, errors, ctx } = await projectBoard("Side", "side@example.com");
  const sidebar = page.getByRole("complementary", { name: "Sidebar" });
  const wrap = page.locator(".table-wrap");
  const was = await box(sidebar);
  await wrap.evaluate((el) => el.scrollTo(0, el.scrollHeight));
  assert.deepEqual(await box(sidebar), was, "the sidebar does not move when the board scrolls");
  assert.equal(await page.evaluate(() => document.documentElement.scrollHeight <= innerHeight), true, "the page itself does not scroll");

  const wide = (await box(wrap)).width;
  await page.getByRole("button", { name: "Hide sidebar" }).click();
  await sidebar.waitFor({ state: "hidden" });
  assert.ok((await box(wrap)).width > wide + 200, "the board takes the room");
  await page.reload();
  await row(page, "Design landing page").waitFor();
  assert.equal(await sidebar.isVisible(), false, "still collapsed after a reload");
  await page.getByRole("button", { name: "Open sidebar" }).click();
  await sidebar.waitFor();
  await page.reload();
  await sidebar.waitFor();
  // "[" toggles it from the keyboard.
  await page.keyboard.press("[");
  await sidebar.waitFor({ state: "hidden" });
  await page.keyboard.press("[");
  await sidebar.waitFor();
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("at phone width (390×844) the sidebar is a drawer opened by the menu button", async () => {
  const { page, errors, ctx } = await projectBoard("Pho", "pho@example.com", { width: 390, height: 844 });
  const sidebar = page.getByRole("complementary", { name: "Sidebar" });
  assert.equal(await sidebar.isVisible(), false, "the drawer starts closed");
  const wrap = await box(page.locator(".table-wrap"));
  assert.ok(wrap.left < 20 && wrap.width > 340, `the table has the width (${wrap.left}, ${wrap.width})`);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), "no sideways page scroll");
  await page.screenshot({ path: path.join(shots, "phone.png") });

  await page.getByRole("button", { name: "Open sidebar" }).click();
  await sidebar.waitFor();
  await page.waitForTimeout(300);
  const drawer = await box(sidebar);
  assert.ok(drawer.left >= -1 && drawer.right <= 391, `the drawer is on screen (${drawer.left}–${drawer.right})`);
  await page.screenshot({ path: path.join(shots, "phone-drawer.png") });
  // Opening a board from it closes it.
  await api(page, "POST", "/boards", { name: "Second board", workspace_id: (await api(page, "GET", "/workspaces")).data[0].id });
  await page.getByRole("button", { name: "Hide sidebar" }).click();
  await sidebar.waitFor({ state: "hidden" });
  await page.reload();
  await page.getByRole("button", { name: "Open sidebar" }).click();
  await sidebar.getByRole("button", { name: "▦ Second board" }).click();
  await page.getByRole("heading", { name: "Second board" }).waitFor();
  await sidebar.waitFor({ state: "hidden" });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("'?' opens the keyboard shortcuts; Escape closes them; 'N' adds an item, '/' goes to the search box", async () => {
  const { page, errors, ctx } = await projectBoard("Kay", "kay@example.com");
  await page.locator("body").click({ position: { x: 600, y: 20 } });
  await page.keyboard.press("?");
  const sheet = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await sheet.waitFor();
  for (const what of ["Search this board", "Undo your last delete, archive or move", "Show or hide the sidebar"]) await sheet.getByText(what).waitFor();
  // Keys belong to the open dialog: "N" adds no item behind it.
  await page.keyboard.press("n");
  await page.keyboard.press("Escape");
  await sheet.waitFor({ state: "detached" });
  await page.waitForTimeout(300);
  assert.equal(await row(page, "New item").count(), 0);
  await page.keyboard.press("n");
  await row(page, "New item").waitFor();
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Search");
  // Typed into a field, "?" is text.
  await page.keyboard.type("?");
  assert.equal(await page.getByRole("dialog").count(), 0);
  assert.equal(await page.getByLabel("Search", { exact: true }).inputValue(), "?");
  assert.deepEqual(errors, []);
  await ctx.close();
});
