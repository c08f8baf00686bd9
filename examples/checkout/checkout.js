// The example shop's checkout: Tender's Stax.js-compatible library with
// hosted card fields. This page never sees the card number: it asks the
// library to tokenize or pay, and gets back a payment method or an invoice.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var token = document.querySelector("meta[name=tender-web-payments-token]").content;
  var staxJs = new StaxJs(token, {
    number: {id: "card-number", placeholder: "Card number", style: "font-size: 16px; width: 100%; height: 100%;"},
    cvv: {id: "card-cvv", placeholder: "CVV", style: "font-size: 16px; width: 100%; height: 100%;"}
  });
  var complete = false;

  function method() { return document.querySelector("input[name=method]:checked").value; }
  function refresh() {
    var bank = method() === "bank";
    $("card").hidden = bank;
    $("bank").hidden = !bank;
    $("pay").disabled = !bank && !complete;
    $("tokenize").disabled = !bank && !complete;
  }
  document.querySelectorAll("input[name=method]").forEach(function (r) { r.addEventListener("change", refresh); });

  staxJs.on("card_form_complete", function () { complete = true; refresh(); });
  staxJs.on("card_form_uncomplete", function () { complete = false; refresh(); });
  staxJs.showCardForm().then(function () {
    $("status").textContent = "Ready.";
    document.body.setAttribute("data-ready", "true");
    refresh();
  }, function (e) { $("status").textContent = "The card form did not load: " + e.message; });

  function details() {
    var d = {
      firstname: $("firstname").value, lastname: $("lastname").value, email: $("email").value,
      phone: $("phone").value, address_1: $("address_1").value, address_city: $("address_city").value,
      address_zip: $("address_zip").value, month: $("month").value, year: $("year").value
    };
    if (method() === "bank") {
      d.method = "bank";
      d.bank_account = $("bank_account").value;
      d.bank_routing = $("bank_routing").value;
      d.bank_type = "checking";
      d.bank_holder_type = "personal";
      d.person_name = (d.firstname + " " + d.lastname).trim();
    }
    return d;
  }

  function show(label, obj, outcome) {
    $("status").textContent = label;
    $("result").textContent = JSON.stringify(obj, null, 2);
    document.body.setAttribute("data-outcome", outcome);
  }

  $("tokenize").addEventListener("click", function () {
    document.body.setAttribute("data-outcome", "busy");
    staxJs.tokenize(details()).then(function (pm) {
      show("Saved " + pm.nickname + " as payment method " + pm.id, {id: pm.id, customer_id: pm.customer_id, nickname: pm.nickname, card_last_four: pm.card_last_four}, "tokenized");
    }, function (err) { show("Could not save the card.", err, "error"); });
  });

  $("checkout").addEventListener("submit", function (ev) {
    ev.preventDefault();
    document.body.setAttribute("data-outcome", "busy");
    var d = details();
    d.total = $("total").value;
    d.meta = {reference: "order-1001", lineItems: [{item: "Coffee beans", quantity: 1, price: Number(d.total)}]};
    d.idempotency_id = "order-1001-" + Date.now();
    staxJs.pay(d).then(function (invoice) {
      var ok = invoice.status === "PAID";
      show(ok ? "Paid: invoice " + invoice.id : "Declined: " + invoice.payment_attempt_message,
        {id: invoice.id, status: invoice.status, total: invoice.total, customer_id: invoice.customer_id,
         payment_attempt_message: invoice.payment_attempt_message}, ok ? "paid" : "declined");
    }, function (err) { show("Payment failed.", err, "error"); });
  });
})();
