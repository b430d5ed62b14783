// Browser test of automations: a recipe built in the Automations dialog with the sentence
// builder ("When Status changes to Done, move to group Done and notify Owner"), then a status
// flipped in the table: the item moves to Done and the owner's bell rings, with the run in the
// recipe's history. Webhooks: a receiver subscribed in the UI, its secret shown once, a
// delivery it verifies and the delivery log.
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
  await page.getByRole("button", { name: "Webhooks" }).click();
  const dialog = page.getByRole("dialog", { name: "Webhooks" });
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
  await page.getByRole("button", { name: "Webhooks" }).click();
  await dialog.getByRole("button", { name: `Deliveries to ${url}` }).click();
  await dialog.locator('[data-delivery-status="delivered"]').waitFor();
  assert.equal(await dialog.locator(".secret").count(), 0, "the secret is not shown again");
  assert.deepEqual(errors, []);
  await ctx.close();
  receiver.close();
});
