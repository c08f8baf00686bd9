// The runtime as React Native runs it: no window, no document, no Node
// globals (process, Buffer, require), only fetch, URL, crypto and
// setTimeout. The built modules are loaded into a node:vm context that has
// nothing else (needs node --experimental-vm-modules, as npm test runs it).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { startTender, waitFor } from "./server.mjs";

const dist = resolve(dirname(fileURLToPath(import.meta.url)), "../dist");

/** Loads dist/index.js and its imports as modules of context. */
async function loadSDK(context) {
  const cache = new Map();
  const load = (file) => {
    if (!cache.has(file)) {
      cache.set(file, new vm.SourceTextModule(readFileSync(file, "utf8"), { context, identifier: file }));
    }
    return cache.get(file);
  };
  const root = load(join(dist, "index.js"));
  await root.link((spec, ref) => {
    if (!spec.startsWith("./")) throw new Error(`the runtime imports ${spec}: only its own files are allowed`);
    return load(join(dirname(ref.identifier), spec));
  });
  await root.evaluate();
  return root.namespace;
}

let srv;
before(async () => {
  srv = await startTender({ TENDER_RATE_LIMIT: "-1", TENDER_WEB_RATE_LIMIT: "-1", TENDER_WEB_PAY_RATE_LIMIT: "-1" });
});
after(() => srv?.stop());

test("tokenize, pay, charge and verify a webhook with only fetch, URL, crypto and setTimeout", async (t) => {
  if (typeof vm.SourceTextModule !== "function") {
    t.skip("run with node --experimental-vm-modules (npm test does)");
    return;
  }
  const context = vm.createContext({ fetch, URL, crypto: globalThis.crypto, setTimeout });
  const sdk = await loadSDK(context);
  const probe = vm.runInContext(
    "[typeof window, typeof document, typeof process, typeof Buffer, typeof require, typeof TextEncoder, typeof navigator].join()",
    context
  );
  assert.equal(probe, "undefined,undefined,undefined,undefined,undefined,undefined,undefined");

  const web = new sdk.TenderWeb({ token: srv.webToken, baseUrl: srv.url });
  const pm = await web.tokenize({ firstname: "Native", email: "native@example.com", card_number: "5555555555554444", card_cvv: "321", month: 11, year: 2031 });
  assert.equal(pm.card_last_four, "4444");
  const paid = await web.pay({ total: 3.5, customer_id: pm.customer_id, card_number: "5555555555554444", card_cvv: "321", month: "11", year: "2031" });
  assert.equal(paid.paid, true);
  assert.match(paid.idempotencyId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

  // The app's backend half, in the same bare context.
  const tender = new sdk.Tender({ apiKey: srv.apiKey, baseUrl: srv.url });
  const tx = await tender.charge({ payment_method_id: pm.id, total: 4 });
  assert.equal(tx.success, true);
  await assert.rejects(tender.charge({ payment_method_id: pm.id }), (err) => err.name === "TenderError" && err.status === 422 && "total" in err.fields);

  // Webhook verification without TextEncoder (its fallback) or Buffer.
  const got = [];
  const receiver = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      got.push({ body, signature: req.headers["stax-signature"] });
      res.end();
    });
  });
  await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
  try {
    const hook = await tender.webhooks.create({ target_url: `http://127.0.0.1:${receiver.address().port}/h`, event: "create_customer" });
    const c = await tender.customers.create({ firstname: "Zoë", lastname: "Ünicode", email: "zoe@example.com" });
    const d = await waitFor("the delivery", 20_000, () => got.find((g) => g.body.includes(c.id)));
    assert.equal(await sdk.verifyWebhook(d.body, d.signature, hook.secret), true);
    assert.equal(await sdk.verifyWebhook(d.body + " ", d.signature, hook.secret), false);
  } finally {
    receiver.close();
  }
});
