/*
 * A payment link's page: the payer's name and email, and a card through
 * the hosted fields or a bank account, for the link's amount.
 */
(function () {
  "use strict";
  var form = document.getElementById("pay");
  if (!form) return;
  var $ = function (id) { return document.getElementById(id); };
  var linkId = form.getAttribute("data-link");
  var button = $("submit");
  var error = $("error");
  var staxJs = new StaxJs(form.getAttribute("data-token"), {
    number: {id: "card-number", placeholder: "1234 1234 1234 1234"},
    cvv: {id: "card-cvv", placeholder: "123"}
  });
  var cardReady = false;

  function method() {
    var checked = form.querySelector("input[name=method]:checked");
    return checked ? checked.value : "card";
  }

  function refresh() {
    var bank = method() === "bank";
    $("card").hidden = bank;
    $("bank").hidden = !bank;
    button.disabled = !bank && !cardReady;
  }
  var radios = form.querySelectorAll("input[name=method]");
  for (var i = 0; i < radios.length; i++) radios[i].addEventListener("change", refresh);

  staxJs.on("card_form_complete", function () { cardReady = true; refresh(); });
  staxJs.on("card_form_uncomplete", function () { cardReady = false; refresh(); });
  staxJs.showCardForm().then(function () {
    document.documentElement.setAttribute("data-card-form", "ready");
    refresh();
  }, function (e) { error.textContent = String(e && e.message || e); });

  function idempotencyId() {
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return "link-" + Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function messages(body) {
    if (!body) return "Something went wrong; please try again.";
    if (body.error) return body.error;
    var out = [];
    for (var k in body) if (Array.isArray(body[k])) out.push(body[k].join(" "));
    return out.join(" ") || "Something went wrong; please try again.";
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    error.textContent = "";
    var details = {person_name: $("payer_name").value, email: $("email").value, idempotency_id: idempotencyId()};
    if (method() === "bank") {
      details.method = "bank";
      details.bank_account = $("bank_account").value;
      details.bank_routing = $("bank_routing").value;
      details.bank_type = $("bank_type").value;
      details.bank_holder_type = $("bank_holder_type").value;
    } else {
      var exp = $("exp").value.replace(/\D+/g, "");
      details.card_exp = exp;
    }
    button.disabled = true;
    staxJs.payLink(linkId, details).then(function (res) {
      var paid = "$" + Number(res.total).toFixed(2);
      if (res.success) {
        form.hidden = true;
        $("success-text").textContent = "Your payment of " + paid + (res.last_four ? " (ending in " + res.last_four + ")" : "") +
          " was received. A receipt is on its way to your email.";
        $("success").hidden = false;
      } else if (res.pending) {
        form.hidden = true;
        $("success-text").textContent = "Your payment is being processed; you will receive a receipt.";
        $("success").hidden = false;
      } else {
        form.hidden = true;
        $("declined-text").textContent = res.message || "The payment was declined.";
        $("declined").hidden = false;
      }
    }, function (body) {
      error.textContent = messages(body);
      refresh();
    });
  });

  $("retry").addEventListener("click", function () {
    $("declined").hidden = true;
    form.hidden = false;
    refresh();
  });
})();
