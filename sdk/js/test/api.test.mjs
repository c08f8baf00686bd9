// The SDK against a real Tender (sandbox, SQLite) started by the test.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";
import { Tender, TenderError, TenderWeb, verifyWebhook } from "../dist/index.js";
import { startTender, waitFor } from "./server.mjs";

const card = { card_number: "4111111111111111", card_cvv: "123", month: "12", year: "2030" };

let srv, tender, web;
before(async () => {
  srv = await startTender({ TENDER_RATE_LIMIT: "-1", TENDER_WEB_RATE_LIMIT: "-1", TENDER_WEB_PAY_RATE_LIMIT: "-1" });
  tender = new Tender({ apiKey: srv.apiKey, baseUrl: srv.url });
  web = new TenderWeb({ token: srv.webToken, baseUrl: srv.url });
});
after(() => srv?.stop());

describe("web payments token (no API key)", () => {
  test("tokenize a card, then the server charges it and refunds part", async () => {
    const pm = await web.tokenize({ firstname: "Ada", lastname: "Lovelace", email: "ada@example.com", ...card });
    assert.match(pm.id, /^[0-9a-f-]{36}$/);
    assert.equal(pm.card_last_four, "1111");
    assert.equal(JSON.stringify(pm).includes("4111111111111111"), false, "the number never comes back");

    const tx = await tender.charge({ payment_method_id: pm.id, total: 12.5 });
    assert.equal(tx.success, true);
    assert.equal(tx.total, 12.5);
    assert.equal(tx.payment_method_id, pm.id);

    await tender.request("POST", "/sandbox/batch");
    const refunded = await tender.transactions.refund(tx.id, { total: 2.25 });
    assert.equal(refunded.id, tx.id);
    assert.equal(refunded.total_refunded, 2.25);
    const child = refunded.child_transactions?.find((c) => c.type === "refund");
    assert.ok(child, "the refund is a child transaction");
    assert.equal(child.total, 2.25);
  });

  test("pay: PAID with its transaction; the same idempotency_id is the same payment; a decline resolves", async () => {
    const details = { total: 24.5, firstname: "Grace", email: "grace@example.com", ...card, idempotency_id: `order-${Date.now()}` };
    const first = await web.pay(details);
    assert.equal(first.paid, true);
    assert.equal(first.invoice.status, "PAID");
    assert.equal(first.transaction?.success, true);
    assert.equal(first.transaction?.total, 24.5);
    assert.ok(first.paymentMethodId);
    const again = await web.pay(details);
    assert.equal(again.invoice.id, first.invoice.id);
    assert.equal(again.transaction?.id, first.transaction?.id);

    const declined = await web.pay({ total: 5, firstname: "Grace", email: "grace@example.com", ...card, card_number: "4000000000000002" });
    assert.equal(declined.declined, true);
    assert.equal(declined.paid, false);
    assert.equal(declined.invoice.status, "ATTEMPTED");
    assert.equal(declined.transaction?.success, false);
    assert.ok(declined.idempotencyId, "an idempotency id is made when none is given");
  });

  test("422: field messages on the TenderError", async () => {
    await assert.rejects(web.tokenize({ firstname: "No", card_number: "4111111111111112", card_cvv: "1", month: "12", year: "2030" }), (err) => {
      assert.ok(err instanceof TenderError);
      assert.equal(err.status, 422);
      assert.ok(Array.isArray(err.fields.card_number) && err.fields.card_number.length > 0, JSON.stringify(err.fields));
      assert.equal(err.message, Object.values(err.fields)[0][0]);
      return true;
    });
  });
});

describe("API key", () => {
  test("customers: create, get, update, list, delete", async () => {
    const c = await tender.customers.create({ firstname: "Jane", lastname: "Doe", email: "jane@example.com" });
    assert.equal((await tender.customers.get(c.id)).email, "jane@example.com");
    assert.equal((await tender.customers.update(c.id, { company: "Doe Ltd" })).company, "Doe Ltd");
    const page = await tender.customers.list({ keywords: ["jane"], per_page: 10 });
    assert.ok(page.data.some((x) => x.id === c.id));
    await tender.customers.delete(c.id);
    assert.ok((await tender.customers.get(c.id)).deleted_at, "deleted (soft, as Stax)");
    await assert.rejects(tender.customers.get("00000000-0000-4000-8000-000000000000"), (err) => err instanceof TenderError && err.status === 404);
  });

  test("422 from the API: the field map of a customer without a name", async () => {
    await assert.rejects(tender.customers.create({ phone: "5551234" }), (err) => {
      assert.equal(err.status, 422);
      assert.ok(Object.keys(err.fields).length > 0);
      for (const msgs of Object.values(err.fields)) assert.ok(msgs.every((m) => typeof m === "string" && m));
      return true;
    });
  });

  test("401 with a wrong key", async () => {
    const bad = new Tender({ apiKey: "tnd_sk_wrong", baseUrl: srv.url });
    await assert.rejects(bad.customers.list(), (err) => err.status === 401 && /unauthori/i.test(err.message));
  });

  test("a money call whose answer is lost is retried with the same idempotency_id: one charge", async () => {
    const c = await tender.customers.create({ firstname: "Lost", email: "lost@example.com" });
    const pm = await tender.paymentMethods.create({ method: "card", customer_id: c.id, person_name: "Lost Answer", card_number: "4242424242424242", card_cvv: "123", card_exp: "1230" });
    const sent = [];
    let dropped = false;
    const lossy = new Tender({
      apiKey: srv.apiKey,
      baseUrl: srv.url,
      retryBaseDelayMs: 10,
      fetch: async (url, init) => {
        sent.push(JSON.parse(init.body));
        const res = await fetch(url, init);
        if (!dropped) {
          dropped = true; // the server charged; the client never hears it
          await res.text();
          throw new TypeError("network connection lost");
        }
        sent[sent.length - 1].replayed = res.headers.get("Idempotent-Replayed");
        return res;
      },
    });
    const tx = await lossy.charge({ payment_method_id: pm.id, total: 7.77 });
    assert.equal(sent.length, 2);
    assert.ok(sent[0].idempotency_id, "an idempotency id was added");
    assert.equal(sent[1].idempotency_id, sent[0].idempotency_id, "the retry reuses it");
    assert.equal(sent[1].replayed, "true");
    const list = await tender.transactions.list({ payment_method_id: pm.id });
    assert.deepEqual(list.data.map((t) => t.id), [tx.id], "charged once");

    // An explicit id: the same answer on a later call.
    const again = await tender.charge({ payment_method_id: pm.id, total: 7.77, idempotency_id: sent[0].idempotency_id });
    assert.equal(again.id, tx.id);
    // And a different amount under it is refused.
    await assert.rejects(tender.charge({ payment_method_id: pm.id, total: 8 }, { idempotencyId: sent[0].idempotency_id }), (err) => err.status === 422);
  });

  test("pre-auth, capture, void; a declined charge is a 400 carrying the transaction", async () => {
    const c = await tender.customers.create({ firstname: "Pre", email: "pre@example.com" });
    const pm = await tender.paymentMethods.create({ method: "card", customer_id: c.id, person_name: "Pre Auth", card_number: "4111111111111111", card_cvv: "123", card_exp: "1230" });
    const auth = await tender.preAuth({ payment_method_id: pm.id, total: 20 });
    assert.equal(auth.pre_auth, true);
    const cap = await tender.transactions.capture(auth.id, { total: 15 });
    assert.equal(cap.child_transactions?.[0]?.type, "capture");
    const sale = await tender.charge({ payment_method_id: pm.id, total: 3 });
    const voided = await tender.transactions.void(sale.id);
    assert.equal(voided.is_voided, true);

    const bad = await tender.paymentMethods.create({ method: "card", customer_id: c.id, person_name: "Pre Auth", card_number: "4000000000009995", card_cvv: "123", card_exp: "1230" });
    await assert.rejects(tender.charge({ payment_method_id: bad.id, total: 1 }), (err) => {
      assert.equal(err.status, 400);
      assert.equal(err.transaction?.success, false);
      assert.match(err.message, /insufficient/i);
      return true;
    });
  });

  test("items and invoices through the typed request()", async () => {
    const item = await tender.items.create({ item: "Beans", price: 9.5 });
    const c = await tender.customers.create({ firstname: "Inv", email: "inv@example.com" });
    const inv = await tender.request("POST", "/invoice", { body: { customer_id: c.id, total: 9.5, meta: { lineItems: [{ id: item.id, item: "Beans", quantity: 1, price: 9.5 }] } } });
    assert.equal(inv.status, "DRAFT");
    const pm = await tender.paymentMethods.create({ method: "card", customer_id: c.id, person_name: "Inv", card_number: "4111111111111111", card_cvv: "123", card_exp: "1230" });
    await tender.invoices.pay(inv.id, { payment_method_id: pm.id, total: 9.5 });
    assert.equal((await tender.request("GET", "/invoice/{id}", { path: { id: inv.id } })).status, "PAID");
  });
});

describe("webhooks", () => {
  test("a real delivery verifies with the subscription's secret; a changed body or secret does not", async () => {
    const got = [];
    const receiver = createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        got.push({ body: Buffer.concat(chunks), signature: req.headers["stax-signature"], event: req.headers["stax-event-name"] });
        res.end("ok");
      });
    });
    await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
    try {
      const hook = await tender.webhooks.create({ target_url: `http://127.0.0.1:${receiver.address().port}/hooks`, event: "create_customer" });
      assert.match(hook.secret, /^whsec_/);
      const c = await tender.customers.create({ firstname: "Hooked", email: "hooked@example.com" });
      const d = await waitFor("the create_customer delivery", 20_000, () => got.find((g) => g.body.toString().includes(c.id)));
      assert.equal(d.event, "create_customer");
      assert.equal(await verifyWebhook(d.body, d.signature, hook.secret), true, "raw bytes");
      assert.equal(await verifyWebhook(d.body.toString("utf8"), d.signature, hook.secret), true, "as a string");
      assert.equal(await verifyWebhook(d.body.toString().replace("Hooked", "Hooker"), d.signature, hook.secret), false, "changed body");
      assert.equal(await verifyWebhook(d.body, d.signature, hook.secret + "x"), false, "other secret");
      const t = Number(/t=(\d+)/.exec(d.signature)[1]);
      assert.equal(await verifyWebhook(d.body, d.signature, hook.secret, { now: (t + 301) * 1000 }), false, "too old");
      assert.equal(await verifyWebhook(d.body, "v1=abc", hook.secret), false, "malformed");
      await tender.webhooks.delete(hook.id);
    } finally {
      receiver.close();
    }
  });
});
