// Starts a real Tender for the tests: builds ./cmd/tender (or takes
// $TENDER_BIN), runs `tender serve` in sandbox mode on a free port with a
// fresh SQLite file in a temp directory, and reads the sandbox merchant's
// API key and web-payments token from what it prints.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

let built;
/** The tender binary: $TENDER_BIN, else built once per test process. */
export function tenderBinary() {
  if (process.env.TENDER_BIN) return Promise.resolve(process.env.TENDER_BIN);
  built ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "tender-sdk-bin-"));
    const bin = join(dir, "tender");
    await promisify(execFile)("go", ["build", "-o", bin, "./cmd/tender"], { cwd: repo, maxBuffer: 1 << 24 });
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    return bin;
  })();
  return built;
}

/**
 * Starts `tender serve` with env added; resolves with {url, apiKey,
 * webToken, stop()} once it listens (bounded: 60 s).
 */
export async function startTender(env = {}) {
  const bin = await tenderBinary();
  const dir = mkdtempSync(join(tmpdir(), "tender-sdk-"));
  const child = spawn(bin, ["serve"], {
    cwd: dir,
    env: { ...process.env, TENDER_ADDR: "127.0.0.1:0", TENDER_SANDBOX: "true", TENDER_DATA_DIR: join(dir, "data"), ...env },
    stdio: ["ignore", "pipe", process.env.TENDER_TEST_LOGS === "1" ? "inherit" : "ignore"],
  });
  const out = [];
  const server = await new Promise((resolveStart, reject) => {
    const s = {};
    const timer = setTimeout(() => reject(new Error(`tender did not listen within 60 s:\n${out.join("\n")}`)), 60_000);
    child.on("exit", (code) => reject(new Error(`tender exited (${code}) before listening:\n${out.join("\n")}`)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      out.push(line);
      let m;
      if ((m = line.match(/^\s*API key:\s*(\S+)/))) s.apiKey = m[1];
      if ((m = line.match(/^\s*web payments token:\s*(\S+)/))) s.webToken = m[1];
      if ((m = line.match(/listening on (http:\/\/\S+)/))) s.url = m[1];
      if (s.url && s.apiKey && s.webToken) {
        clearTimeout(timer);
        resolveStart(s);
      }
    });
  });
  server.stop = () =>
    new Promise((done) => {
      if (child.exitCode !== null) return done();
      child.once("exit", () => {
        rmSync(dir, { recursive: true, force: true });
        done();
      });
      child.kill("SIGTERM");
    });
  return server;
}

/** Resolves when cond() is truthy, polling every 50 ms for at most ms; rejects naming what. */
export async function waitFor(what, ms, cond) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
