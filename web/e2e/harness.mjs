// What every browser-test file shares: a real `sunday serve` (the debug binary from the cargo
// target dir) on a fresh data dir, serving the built web app, and Debian's Chromium driven by
// playwright-core (no browser is downloaded). Each test file starts its own server and browser,
// so files share no state. Screenshots go to docs/screenshots/.
import { before, after } from "node:test";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
export const shots = path.join(repo, "docs/screenshots");
mkdirSync(shots, { recursive: true });
const target = process.env.CARGO_TARGET_DIR ?? path.join(process.env.HOME, ".cache/sunday-target");
const bin = process.env.SUNDAY_BIN ?? path.join(target, "debug/sunday");

const serverEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "SUNDAY_BIN"));

/** Starts the server and the browser before the file's tests and stops them after. The
 * returned object's `base` and `browser` are set once the `before` hook has run. */
export function sunday() {
  const s = { base: "", browser: null, newUser: (name, email, viewport, context) => newUser(s, name, email, viewport, context) };
  let server;
  before(async () => {
    const data = mkdtempSync(path.join(tmpdir(), "sunday-e2e-"));
    server = spawn(bin, ["serve", "--listen", "127.0.0.1:0", "--data-dir", data, "--log-format", "json"], {
      // SUNDAY_BIN is this harness's setting, not the server's: Sunday refuses unknown SUNDAY_ keys.
      env: { ...serverEnv(), SUNDAY_WEB__DIR: path.join(repo, "web/dist"), SUNDAY_AUTH__ARGON2_MEMORY_KIB: "64", SUNDAY_GATEWAY__RATE_LIMIT_IP_PER_SEC: "0", SUNDAY_LOG__LEVEL: "info", SUNDAY_WEBHOOKS__ALLOWED_HOSTS: "127.0.0.1" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    s.base = await new Promise((resolve, reject) => {
      let buf = "";
      server.stderr.on("data", (d) => {
        buf += d;
        for (const line of buf.split("\n")) {
          try {
            const j = JSON.parse(line);
            if (j.fields?.message === "sunday is listening") resolve(`http://${j.fields.addr}`);
          } catch {}
        }
      });
      server.on("exit", (c) => reject(new Error(`sunday exited ${c}: ${buf.slice(-2000)}`)));
      setTimeout(() => reject(new Error("sunday did not start")), 20000);
    });
    s.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });
  after(async () => {
    await s.browser?.close();
    server?.kill("SIGTERM");
  });
  return s;
}

/** A signed-up user on the first-run screen, with the console errors the page logs. `context`
 * adds browser context options (a time zone, say). */
async function newUser(s, name, email, viewport = { width: 1280, height: 800 }, context = {}) {
  const ctx = await s.browser.newContext({ viewport, ...context });
  const page = await ctx.newPage();
  const errors = [];
  page.on("console", (m) => m.type() === "error" && !/WebSocket|Failed to load resource/.test(m.text()) && errors.push(m.text()));
  await page.goto(s.base);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.getByText("Start with a template").waitFor();
  // The app makes a new user's first workspace after signing up: tests calling the API at once
  // (GET /workspaces) would otherwise race it.
  await until(page, async () => ((await (await fetch("/api/v1/workspaces")).json()).data ?? []).length > 0);
  return { ctx, page, errors };
}

/** A new user with a new blank board open, and the board as the API reads it. */
export async function blankBoard(s, name, email) {
  const u = await s.newUser(name, email);
  await u.page.getByRole("button", { name: /Blank board/ }).click();
  await u.page.getByRole("heading", { name: "New board" }).waitFor();
  const board = await api(u.page, "GET", `/boards/${(await api(u.page, "GET", "/boards")).data[0].id}`);
  return { ...u, board };
}

/** A call to the REST API from the page, with its session and CSRF token. */
export async function api(page, method, p, body) {
  return page.evaluate(async ([method, p, body]) => {
    const csrf = sessionStorage.getItem("sunday_csrf") ?? "";
    const r = await fetch(`/api/v1${p}`, { method, headers: { "content-type": "application/json", "x-csrf-token": csrf }, body: body ? JSON.stringify(body) : undefined });
    return r.status === 204 ? null : r.json();
  }, [method, p, body]);
}

/** Brings the user logged in on `inviteePage` into `org` the only way there is: an invitation
 * from the user on `inviterPage`, accepted by the invitee. */
export async function join(inviterPage, inviteePage, org, email, role = "member") {
  const invite = await api(inviterPage, "POST", `/orgs/${org}/invites`, { email, role });
  const accepted = await api(inviteePage, "POST", `/invites/${invite.token}/accept`);
  if (!accepted?.org) throw new Error(`${email} could not join: ${JSON.stringify(accepted)}`);
}

export const row = (page, name) => page.locator(`tr[data-item="${name}"]`);

/** Moves something by dnd-kit's keyboard: focus it, Space to lift, the `keys`, Space to drop.
 * dnd-kit listens for the arrows from a task after the lift, and finds what is under the lifted
 * thing at the render after a move, so each key waits a moment (a person is never that fast). */
export async function keyboardDrag(page, locator, keys, { pause = 100 } = {}) {
  await locator.focus();
  await page.keyboard.press("Space");
  await page.waitForTimeout(100);
  for (const key of keys) {
    await page.keyboard.press(key);
    await page.waitForTimeout(pause);
  }
  // The drop lands where the last key took it once the page has drawn it there.
  await page.waitForTimeout(Math.max(0, 100 - pause));
  await page.keyboard.press("Space");
}

/** Waits until `check` (run in the page, usually an async fetch of the API) gives something
 * truthy, asking again every 100 ms. Not `page.waitForFunction`: it takes the promise an async
 * function returns as truthy at once, so a check of the API through it never waited or failed. */
export async function until(page, check, arg, timeout = 10_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const got = await page.evaluate(check, arg);
    if (got) return got;
    if (Date.now() > end) throw new Error(`still not so after ${timeout} ms: ${check}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Drags `source` onto `target` (at `at` within it, else its middle) with the mouse, as dnd-kit
 * needs: pressed, moved there in steps, held a moment (what is under the pointer is found at the
 * render after a move), released. */
export async function dragOnto(page, source, target, at) {
  await source.scrollIntoViewIfNeeded();
  const s = await source.boundingBox();
  const t = await target.boundingBox();
  await pressAndMove(page, { x: s.x + s.width / 2, y: s.y + s.height / 2 }, { x: t.x + (at?.x ?? t.width / 2), y: t.y + (at?.y ?? t.height / 2) });
}

/** Drags `locator` sideways by `dx` pixels, grabbed `at` pixels from its left edge (a timeline
 * bar, or its end). */
export async function dragBy(page, locator, at, dx) {
  const box = await locator.boundingBox();
  const y = box.y + box.height / 2;
  await pressAndMove(page, { x: box.x + at, y }, { x: box.x + at + dx, y });
}

/** The mouse pressed at `from`, moved to `to` in steps, held a moment and released (page
 * coordinates); then a moment more: dnd-kit swallows clicks for 50 ms after a drop (the click
 * that ends a drag is not a click), so the test's next click comes later, as a person's would. */
async function pressAndMove(page, from, to) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 10 });
  await page.waitForTimeout(100);
  await page.mouse.up();
  await page.waitForTimeout(100);
}
