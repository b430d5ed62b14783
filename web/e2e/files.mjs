// Browser test of files and search: an image dropped on a file cell is uploaded and shown as a
// thumbnail, opens full size in the item panel's viewer, a file attached to an update through
// the picker shows under the update, and searching (Ctrl/⌘-K) for a word of that update lands
// on the item with the match shown.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { row, shots, sunday } from "./harness.mjs";

const s = sunday();

test("files and search: drop an image on a cell, see its thumbnail, view it, attach a file to an update, find it", async () => {
  const { page, errors, ctx } = await s.newUser("Fio", "fio@example.com");
  await page.getByRole("button", { name: /Project tracker/ }).click();
  await row(page, "Define launch goals").waitFor();
  await page.getByRole("button", { name: "Add column" }).first().click();
  await page.getByLabel("New column title").fill("Attachments");
  await page.getByLabel("New column type").selectOption("file");
  await page.getByRole("button", { name: "Create column" }).click();
  const cell = row(page, "Define launch goals").locator('td[data-column="Attachments"]');
  await cell.waitFor();

  // An image drawn on a canvas, dropped on the cell as a file from the desktop would be.
  await cell.evaluate(async (td) => {
    const canvas = document.createElement("canvas");
    canvas.width = 640;
    canvas.height = 320;
    const g = canvas.getContext("2d");
    g.fillStyle = "#e2445c";
    g.fillRect(0, 0, 640, 320);
    g.fillStyle = "#ffffff";
    g.fillRect(40, 40, 240, 120);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
    const files = new DataTransfer();
    files.items.add(new File([blob], "launch-plan.png", { type: "image/png" }));
    td.dispatchEvent(new DragEvent("dragover", { dataTransfer: files, bubbles: true, cancelable: true }));
    td.dispatchEvent(new DragEvent("drop", { dataTransfer: files, bubbles: true, cancelable: true }));
  });
  const thumb = cell.locator("img.file-thumb");
  await thumb.waitFor({ timeout: 10000 });
  await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await thumb.elementHandle());
  assert.equal(await thumb.evaluate((img) => img.naturalWidth), 320, "the cell shows a thumbnail, not the whole image");
  assert.equal(await thumb.getAttribute("title"), "launch-plan.png");

  // The item panel's gallery opens it full size.
  await row(page, "Define launch goals").getByRole("button", { name: /Open updates/ }).click();
  const panel = page.getByRole("dialog", { name: "Item" });
  await panel.getByRole("list", { name: "Item files" }).getByRole("button", { name: "Open launch-plan.png" }).click();
  const viewer = page.getByRole("dialog", { name: "launch-plan.png" });
  const full = viewer.getByRole("img", { name: "launch-plan.png" });
  await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await full.elementHandle());
  assert.equal(await full.evaluate((img) => img.naturalWidth), 640);
  await viewer.getByRole("button", { name: "Close" }).click();

  // A file attached to an update through the picker.
  await panel.getByLabel("Attach files").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("meeting notes: ship it") });
  await panel.getByRole("list", { name: "Attached files" }).getByText("notes.txt").waitFor({ timeout: 10000 });
  await panel.getByLabel("Write an update").fill("Notes from the kickoff");
  await panel.getByRole("button", { name: "Update", exact: true }).click();
  const posted = panel.getByRole("list", { name: "Update files" }).getByRole("button", { name: "Open notes.txt" });
  await posted.waitFor({ timeout: 10000 });
  await panel.getByRole("list", { name: "Item files" }).getByRole("button", { name: "Open notes.txt" }).waitFor();
  await page.screenshot({ path: path.join(shots, "files.png") });

  // Search (Ctrl/⌘-K) for a word of the update, typed short: Enter lands on its item, with the
  // match shown and the update marked.
  await panel.getByRole("button", { name: "Close" }).first().click();
  await panel.waitFor({ state: "detached" });
  await page.keyboard.press("Control+k");
  const search = page.getByRole("dialog", { name: "Search" });
  await search.getByLabel("Search everything").fill("kickof");
  const hit = search.getByRole("option", { name: /Update Notes from the kickoff/ });
  await hit.waitFor({ timeout: 10000 });
  assert.equal(await hit.locator("mark").textContent(), "kickoff");
  await page.screenshot({ path: path.join(shots, "search.png") });
  await search.getByLabel("Search everything").press("Enter");
  await search.waitFor({ state: "detached" });
  const landed = page.getByRole("dialog", { name: "Item" });
  assert.equal(await landed.getByLabel("Item name").inputValue(), "Define launch goals");
  await landed.getByRole("note", { name: "Search match" }).getByText("kickoff").waitFor();
  await landed.locator(".update.found", { hasText: "Notes from the kickoff" }).waitFor();
  assert.deepEqual(errors, []);
  await ctx.close();
});
