// npm test: builds the tender binary once (unless $TENDER_BIN names one),
// then runs the test files with node's test runner; each file that needs
// a server starts its own from that binary.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { tenderBinary } from "./server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
process.env.TENDER_BIN = await tenderBinary();
const files = readdirSync(here)
  .filter((f) => f.endsWith(".test.mjs"))
  .map((f) => `${here}/${f}`);
const r = spawnSync(process.execPath, ["--experimental-vm-modules", "--disable-warning=ExperimentalWarning", "--test", ...files], {
  stdio: "inherit",
  env: process.env,
});
process.exitCode = r.status ?? 1;
