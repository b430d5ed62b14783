// Browser tests of what reaches a person without reloading: the open item panel follows other
// people's updates, replies and value changes; a cell someone else edits is marked; each row's
// updates bubble counts them live; a notification opens its board and item; and an invitation
// link signs a new person up into the inviting organization exactly once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { api, join, row, sunday } from "./harness.mjs";

const s = sunday();

/** Two people in one organization on one template board: A owns it, B is a member. */
async function twoPeople(a, b) {
  const A = await s.newUser(a, `${a.toLowerCase()}@example.com`);
  await A.page.getByRole("button", { name: /Bug tracker/ }).click();
  await row(A.page, "Typo on pricing page").waitFor();
  const me = await api(A.page, "GET", "/me");
  const B = await s.newUser(b, `${b.toLowerCase()}@example.com`);
  const bId = (await api(B.page, "GET", "/me")).user.id;
  await join(A.page, B.page, me.orgs[0].org.id, `${b.toLowerCase()}@example.com`);
  const board = (await api(A.page, "GET", "/boards")).data[0];
  const items = (await api(A.page, "GET", `/boards/${board.id}/items`)).data;
  return { A, B, bId, board, items, org: me.orgs[0].org.id };
}

test("the open item panel shows another person's update, reply and value change as they happen", async () => {
  const { A, B, bId, board, items } = await twoPeople("Ann", "Ben");
  const item = items.find((i) => i.name === "Typo on pricing page");
  // A same-document (hash) navigation: the reload makes the app read it.
  await B.page.goto(`${s.base}/#/${board.id}`);
  await B.page.reload();
  await row(B.page, "Typo on pricing page").locator(".open").click();
  const panel = B.page.getByRole("dialog", { name: "Item" });
  await panel.getByRole("heading", { name: "Typo on pricing page" }).waitFor();
  await B.page.getByText("● Live").waitFor();

  const update = await api(A.page, "POST", `/items/${item.id}/updates`, { body: `Looking into it @[${bId}]` });
  await panel.locator(".update .body", { hasText: "Looking into it" }).waitFor({ timeout: 3000 });
  await api(A.page, "POST", `/updates/${update.id}/replies`, { body: "Fixed on staging" });
  await panel.locator(".reply", { hasText: "Fixed on staging" }).waitFor({ timeout: 3000 });
  const status = (await api(A.page, "GET", `/boards/${board.id}`)).columns.find((c) => c.title === "Status");
  const fixed = status.settings.labels.find((l) => l.name === "Fixed");
  await api(A.page, "PATCH", `/items/${item.id}`, { values: { [status.id]: fixed.id } });
  await panel.locator('td[data-column="Status"]', { hasText: "Fixed" }).waitFor({ timeout: 3000 });
  // The activity log is live too.
  await panel.getByRole("button", { name: "Activity log" }).click();
  await panel.locator('.activity li[data-kind="item_updated"]').first().waitFor({ timeout: 3000 });
  assert.deepEqual([...A.errors, ...B.errors], []);
  await A.ctx.close();
  await B.ctx.close();
});

test("editing a cell marks that one cell for others, in the editor's avatar colour", async () => {
  const { A, B, board } = await twoPeople("Ava", "Bob");
  await B.page.goto(`${s.base}/#/${board.id}`);
  await B.page.reload();
  await row(B.page, "Typo on pricing page").waitFor();
  await B.page.getByText("● Live").waitFor();
  await A.page.getByText("● Live").waitFor();
  await B.page.locator('[data-testid="presence"] .avatar[data-person="Ava"]').waitFor({ timeout: 5000 });

  // Ava opens the Component cell's editor: Bob sees that cell marked, and only that cell.
  await row(A.page, "Typo on pricing page").locator('td[data-column="Component"]').click();
  await A.page.locator(".cell-input").waitFor();
  const marked = B.page.locator("td.remote-editing");
  await marked.first().waitFor({ timeout: 3000 });
  assert.equal(await marked.count(), 1, "one cell is marked, not the row");
  const cell = row(B.page, "Typo on pricing page").locator('td[data-column="Component"]');
  assert.equal(await cell.getAttribute("data-editor"), "Ava");
  assert.equal(await cell.getAttribute("title"), "Ava is editing");
  const avatar = await B.page.locator('[data-testid="presence"] .avatar[data-person="Ava"]').evaluate((el) => getComputedStyle(el).backgroundColor);
  const outline = await cell.evaluate((el) => getComputedStyle(el).boxShadow);
  assert.ok(outline.includes(avatar), `the outline (${outline}) is Ava's colour (${avatar})`);
  assert.equal(await row(B.page, "Typo on pricing page").locator('td[data-column="Status"]').getAttribute("data-editor"), null);

  // Another cell: the mark moves with her. Done editing: it goes.
  await A.page.keyboard.press("Escape");
  await marked.first().waitFor({ state: "detached", timeout: 3000 });
  await row(A.page, "Login fails with SSO").locator('td[data-column="Component"]').click();
  await row(B.page, "Login fails with SSO").locator('td[data-column="Component"].remote-editing').waitFor({ timeout: 3000 });
  assert.equal(await marked.count(), 1);
  await A.page.locator(".cell-input").fill("auth, sso");
  await A.page.keyboard.press("Enter");
  await marked.first().waitFor({ state: "detached", timeout: 3000 });
  await row(B.page, "Login fails with SSO").locator('td[data-column="Component"]', { hasText: "#sso" }).waitFor({ timeout: 3000 });
  assert.deepEqual([...A.errors, ...B.errors], []);
  await A.ctx.close();
  await B.ctx.close();
});

test("each row's updates bubble shows its count, from the board's opening and live after", async () => {
  const { A, B, board, items } = await twoPeople("Uma", "Vic");
  const typo = items.find((i) => i.name === "Typo on pricing page");
  const login = items.find((i) => i.name === "Login fails with SSO");
  const first = await api(A.page, "POST", `/items/${typo.id}/updates`, { body: "Seen on mobile too" });
  await B.page.goto(`${s.base}/#/${board.id}`);
  await B.page.reload();
  await B.page.getByText("● Live").waitFor();
  const count = (name) => row(B.page, name).getByTestId("update-count");
  assert.equal(await count("Typo on pricing page").innerText(), "1", "counted when the board opens");
  assert.equal(await count("Login fails with SSO").count(), 0, "no count without updates");
  assert.equal(await row(B.page, "Typo on pricing page").locator(".open").getAttribute("aria-label"), "Open updates (1)");

  // A reply and an update on another item count at once, without a reload.
  await api(A.page, "POST", `/updates/${first.id}/replies`, { body: "Fixed" });
  await count("Typo on pricing page").filter({ hasText: "2" }).waitFor({ timeout: 3000 });
  await api(A.page, "POST", `/items/${login.id}/updates`, { body: "Needs a new certificate" });
  await count("Login fails with SSO").filter({ hasText: "1" }).waitFor({ timeout: 3000 });
  // Deleting the update takes its reply along: the bubble has no count left.
  await api(A.page, "DELETE", `/updates/${first.id}`);
  await count("Typo on pricing page").waitFor({ state: "detached", timeout: 3000 });
  assert.equal(await count("Login fails with SSO").innerText(), "1");
  // Posted through the item panel, here: counted too.
  await row(B.page, "Login fails with SSO").locator(".open").click();
  await B.page.getByLabel("Write an update").fill("On it");
  await B.page.getByRole("button", { name: "Update", exact: true }).click();
  await count("Login fails with SSO").filter({ hasText: "2" }).waitFor({ timeout: 3000 });
  assert.deepEqual([...A.errors, ...B.errors], []);
  await A.ctx.close();
  await B.ctx.close();
});

test("a notification in the bell opens its board and item, with the item in the URL", async () => {
  const { A, B, bId, board, items } = await twoPeople("Cat", "Dan");
  const item = items.find((i) => i.name === "Login fails with SSO");
  await B.page.goto(s.base);
  await B.page.getByText("● Live").waitFor();
  await api(A.page, "POST", `/items/${item.id}/updates`, { body: `@[${bId}] can you look?` });
  await B.page.locator('[data-testid="unread"]').waitFor({ timeout: 3000 });
  await B.page.getByRole("button", { name: "Notifications" }).click();
  await B.page.locator(".note").first().click();
  await B.page.getByRole("heading", { name: board.name }).waitFor({ timeout: 3000 });
  const panel = B.page.getByRole("dialog", { name: "Item" });
  await panel.getByRole("heading", { name: "Login fails with SSO" }).waitFor({ timeout: 3000 });
  await panel.locator(".update .body", { hasText: "can you look?" }).waitFor();
  assert.equal(new URL(B.page.url()).pathname, `/boards/${board.id}/items/${item.id}`);
  assert.equal(await B.page.locator('[data-testid="unread"]').count(), 0, "the opened notification counts as read");
  assert.deepEqual([...A.errors, ...B.errors], []);
  await A.ctx.close();
  await B.ctx.close();
});

test("signing up through an invitation link joins the organization without accepting it twice", async () => {
  const A = await s.newUser("Eve", "eve@example.com");
  await A.page.getByRole("button", { name: /Bug tracker/ }).click();
  await row(A.page, "Typo on pricing page").waitFor();
  const org = (await api(A.page, "GET", "/me")).orgs[0].org.id;
  const invite = await api(A.page, "POST", `/orgs/${org}/invites`, { email: "fay@example.com", role: "member" });

  const ctx = await s.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  const failed = [];
  page.on("response", (r) => r.url().includes("/api/") && r.status() >= 400 && failed.push(`${r.status()} ${new URL(r.url()).pathname}`));
  await page.goto(`${s.base}/?invite=${invite.token}`);
  await page.getByLabel("Name").fill("Fay");
  await page.getByLabel("Email").fill("fay@example.com");
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.getByText("Start with a template").waitFor();
  await page.waitForTimeout(500);
  const orgs = (await api(page, "GET", "/me")).orgs.map((o) => o.org.id);
  assert.ok(orgs.includes(org), "Fay joined Eve's organization");
  assert.equal(new URL(page.url()).search, "", "the used invitation leaves the address bar");
  assert.deepEqual(failed.filter((f) => !f.endsWith("/me") || !f.startsWith("401")), [], "no call failed");
  await page.reload();
  await page.getByText("Start with a template").waitFor();
  await page.waitForTimeout(300);
  assert.deepEqual(failed.filter((f) => !f.endsWith("/me") || !f.startsWith("401")), []);
  await ctx.close();
  await A.ctx.close();
});
