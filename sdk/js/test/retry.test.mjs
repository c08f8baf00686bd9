// Retries against a tiny local server that answers 503 and 429 first.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, test } from "node:test";
import { Tender, TenderError, TenderWeb, parseRetryAfter } from "../dist/index.js";

let server, base;
const script = []; // answers to give, in order: [status, headers, body]
const seen = []; // {at, method, url, body}
before(async () => {
  server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      seen.push({ at: Date.now(), method: req.method, url: req.url, body: chunks.length ? JSON.parse(Buffer.concat(chunks)) : null, auth: req.headers.authorization });
      const [status, headers, body] = script.shift() ?? [500, {}, { error: "unexpected request" }];
      res.writeHead(status, { "Content-Type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => server.close());

function reset(...answers) {
  script.length = 0;
  seen.length = 0;
  script.push(...answers);
}

test("503 with Retry-After: 1 is waited for, and the charge retried with the same idempotency id", async () => {
  reset([503, { "Retry-After": "1" }, { error: "The database is unavailable; retry." }], [200, {}, { id: "tx1", success: true }]);
  const tender = new Tender({ apiKey: "tnd_sk_x", baseUrl: base });
  const tx = await tender.charge({ payment_method_id: "pm", total: 1 });
  assert.equal(tx.id, "tx1");
  assert.equal(seen.length, 2);
  assert.ok(seen[1].at - seen[0].at >= 950, `waited ${seen[1].at - seen[0].at} ms`);
  assert.equal(seen[0].url, "/charge");
  assert.equal(seen[0].auth, "Bearer tnd_sk_x");
  assert.ok(seen[0].body.idempotency_id);
  assert.equal(seen[1].body.idempotency_id, seen[0].body.idempotency_id);
});

test("429 as an HTTP date is honoured; the web client retries too", async () => {
  const when = new Date(Date.now() + 1500).toUTCString(); // second precision: 0.5–1.5 s away
  reset([429, { "Retry-After": when }, { error: "Too many Stax.js requests." }], [200, {}, { id: "pm1" }]);
  const web = new TenderWeb({ token: "tnd_wp_x", baseUrl: base + "/" });
  const pm = await web.tokenize({ firstname: "A", card_number: "4111111111111111" });
  assert.equal(pm.id, "pm1");
  assert.equal(seen.length, 2);
  assert.equal(seen[0].url, "/webpayment/tnd_wp_x/tokenize");
  assert.ok(seen[1].at - seen[0].at >= 400, `waited ${seen[1].at - seen[0].at} ms`);
});

test("bounded: a Retry-After past maxRetryDelayMs is not waited for; retries stop after maxRetries", async () => {
  reset([429, { "Retry-After": "60" }, { error: "Too many payments from this address (at most 5 a minute). Retry after 60 seconds." }]);
  const tender = new Tender({ apiKey: "k", baseUrl: base });
  const t0 = Date.now();
  await assert.rejects(tender.customers.list(), (err) => {
    assert.ok(err instanceof TenderError);
    assert.equal(err.status, 429);
    assert.equal(err.retryAfterMs, 60_000);
    assert.match(err.message, /Too many payments/);
    return true;
  });
  assert.ok(Date.now() - t0 < 1000);
  assert.equal(seen.length, 1);

  reset(...Array(5).fill([503, {}, { error: "down" }]));
  const quick = new Tender({ apiKey: "k", baseUrl: base, maxRetries: 2, retryBaseDelayMs: 5 });
  await assert.rejects(quick.customers.get("c1"), (err) => err.status === 503);
  assert.equal(seen.length, 3, "three attempts");
});

test("a 503 on a create without an idempotency id is not repeated (it may have been applied)", async () => {
  reset([503, { "Retry-After": "1" }, { error: "down" }], [200, {}, { id: "c2" }]);
  const tender = new Tender({ apiKey: "k", baseUrl: base });
  await assert.rejects(tender.customers.create({ firstname: "A" }), (err) => err.status === 503);
  assert.equal(seen.length, 1);
});

test("parseRetryAfter", () => {
  assert.equal(parseRetryAfter("3"), 3000);
  assert.equal(parseRetryAfter(null), null);
  assert.equal(parseRetryAfter("soon"), null);
  assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6_000);
  assert.equal(parseRetryAfter(new Date(0).toUTCString(), 4_000), 0);
});
