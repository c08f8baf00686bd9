import type { components } from "./schema.js";
import { randomID } from "./platform.js";
import { Transport, type TransportOptions } from "./transport.js";

/** tokenize() and pay() take Stax.js's extraDetails plus the card or bank account. */
export type WebPaymentInput = components["schemas"]["WebPaymentInput"];
export type WebPaymentMethod = components["schemas"]["PaymentMethod"];
export type WebInvoice = components["schemas"]["Invoice"];
type WebTransaction = NonNullable<WebInvoice["child_transactions"]>[number];

export interface TenderWebOptions extends TransportOptions {
  /** The merchant's public web-payments token (tnd_wp_...): safe to ship in an app. */
  token: string;
}

/** What pay() resolves with. */
export interface PayResult {
  /** The invoice pay() created: PAID, ATTEMPTED (declined) or still being paid (pending). */
  invoice: WebInvoice;
  /** Its payment: the invoice's newest child transaction. */
  transaction: WebTransaction | null;
  /** The payment method stored for the card or account (charge it again from your server). */
  paymentMethodId: string;
  /** True when the payment succeeded (HTTP 200, invoice PAID). */
  paid: boolean;
  /** True when the processor's answer is pending (HTTP 202): retry pay() with the same idempotency_id for the final answer. */
  pending: boolean;
  /** True when declined (HTTP 400, invoice ATTEMPTED); transaction.message says why. */
  declined: boolean;
  /** The idempotency_id sent: a retry with it returns this same payment. */
  idempotencyId: string;
}

/**
 * The mobile and web surface: calls with the merchant's public
 * web-payments token and no API key, as Stax.js and the mobile SDKs do.
 * tokenize() stores a card or bank account and resolves with the payment
 * method (its id is what your server charges); pay() takes a payment in
 * one call. Runs on fetch alone: React Native, browsers, Node.
 * On the web prefer the hosted card fields (/js/stax.js) so card numbers
 * never touch your page; native apps send the number from their own
 * secure input, as here.
 */
export class TenderWeb {
  private readonly t: Transport;
  private readonly token: string;

  constructor(opts: TenderWebOptions) {
    if (!opts?.token) throw new Error("tender: token (the web-payments token) is required");
    this.t = new Transport(opts);
    this.token = opts.token;
  }

  /** Store a card (card_number, card_cvv, month and year or card_exp) or a bank account (method "bank"). */
  async tokenize(details: WebPaymentInput): Promise<WebPaymentMethod> {
    const res = await this.t.send<WebPaymentMethod>({
      method: "POST",
      path: `/webpayment/${encodeURIComponent(this.token)}/tokenize`,
      body: details,
      repeatable: false,
    });
    return res.body;
  }

  /**
   * Customer, payment method, invoice and payment in one (total required).
   * Resolves on a decline too (declined: true), as Stax.js does; throws
   * TenderError on invalid input (422, with fields) and other errors.
   * An idempotency_id is made unless given, and kept across retries.
   */
  async pay(details: WebPaymentInput): Promise<PayResult> {
    const idempotencyId = details.idempotency_id || randomID();
    const res = await this.t.send<WebInvoice>({
      method: "POST",
      path: `/webpayment/${encodeURIComponent(this.token)}/pay`,
      body: { ...details, idempotency_id: idempotencyId },
      repeatable: true,
      acceptDeclined: true,
    });
    const invoice = res.body;
    const txs = invoice.child_transactions ?? [];
    const transaction = txs.length ? txs[txs.length - 1] : null;
    return {
      invoice,
      transaction,
      paymentMethodId: invoice.payment_method_id ?? "",
      paid: res.status === 200,
      pending: res.status === 202,
      declined: res.status === 400,
      idempotencyId,
    };
  }
}
