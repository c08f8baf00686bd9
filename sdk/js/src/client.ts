import type { components, paths } from "./schema.js";
import { idempotentOperations } from "./operations.js";
import { randomID } from "./platform.js";
import { Transport, type TransportOptions } from "./transport.js";
import type { HttpMethod, Operation, OptionsArg, PathsFor, RequestOptions, ResponseOf } from "./typed.js";

/** The API's objects, as the OpenAPI document describes them. */
export type Schemas = components["schemas"];
export type Customer = Schemas["Customer"];
export type PaymentMethod = Schemas["PaymentMethod"];
export type Transaction = Schemas["Transaction"];
export type Invoice = Schemas["Invoice"];
export type Item = Schemas["Item"];
export type Webhook = Schemas["Webhook"];

type Op<P extends keyof paths, M extends HttpMethod> = Operation<P, M>;
type Body<P extends keyof paths, M extends HttpMethod> = NonNullable<RequestOptions<Op<P, M>>["body"]>;
type Query<P extends keyof paths, M extends HttpMethod> = RequestOptions<Op<P, M>>["query"];
type Res<P extends keyof paths, M extends HttpMethod> = Promise<ResponseOf<Op<P, M>>>;

export interface TenderOptions extends TransportOptions {
  /** The merchant's (or partner's) API key, sent as a bearer token. Keep it on servers. */
  apiKey: string;
}

/** The money calls Tender makes idempotent by idempotency_id, as "METHOD /path/{template}". */
const moneyCalls = new Set<string>(idempotentOperations);

/**
 * A client of the whole API with an API key. request() reaches every
 * operation of the OpenAPI document, typed by path and method; the
 * resource objects (customers, paymentMethods, transactions, invoices,
 * items, webhooks) and charge/preAuth/credit are shorthands for the common
 * ones. Money calls get an idempotency_id unless they carry one, and
 * keep it across retries, so a retried payment is applied once.
 */
export class Tender {
  private readonly t: Transport;

  constructor(opts: TenderOptions) {
    if (!opts?.apiKey) throw new Error("tender: apiKey is required");
    this.t = new Transport({ ...opts, headers: { ...opts.headers, Authorization: `Bearer ${opts.apiKey}` } });
  }

  /**
   * One call to any operation: request("GET", "/customer/{id}", {path: {id}}).
   * Resolves with the parsed answer; throws TenderError on any other
   * status than 2xx (a declined payment is a 400 whose error.body, and
   * error.transaction, is the transaction).
   */
  async request<M extends HttpMethod, P extends PathsFor<M>>(method: M, path: P, ...[opts]: OptionsArg<Op<P, M>>): Promise<ResponseOf<Op<P, M>>> {
    const o = (opts ?? {}) as { path?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown; headers?: Record<string, string>; idempotencyId?: string };
    let body = o.body;
    let repeatable = method === "GET" || method === "PUT" || method === "DELETE";
    if (moneyCalls.has(`${method} ${String(path)}`)) {
      const b = (body ?? {}) as Record<string, unknown>;
      if (b && typeof b === "object" && !Array.isArray(b)) {
        body = { ...b, idempotency_id: (b.idempotency_id as string | undefined) || o.idempotencyId || randomID() };
        repeatable = true;
      }
    }
    const res = await this.t.send<ResponseOf<Op<P, M>>>({
      method,
      path: fillPath(String(path), o.path),
      query: o.query,
      body,
      headers: o.headers,
      repeatable,
    });
    return res.body;
  }

  /** Charge a stored payment method (or pre-authorize it with pre_auth: true). */
  charge(body: Body<"/charge", "POST">, opts: { idempotencyId?: string } = {}): Res<"/charge", "POST"> {
    return this.request("POST", "/charge", { body, ...opts });
  }

  /** Authorize only; capture later with transactions.capture. */
  preAuth(body: Body<"/charge", "POST">, opts: { idempotencyId?: string } = {}): Res<"/charge", "POST"> {
    return this.request("POST", "/charge", { body: { ...body, pre_auth: true }, ...opts });
  }

  /** Send money to a stored payment method (an unreferenced credit). */
  credit(body: Body<"/credit", "POST">, opts: { idempotencyId?: string } = {}): Res<"/credit", "POST"> {
    return this.request("POST", "/credit", { body, ...opts });
  }

  readonly customers = {
    create: (body: Body<"/customer", "POST">) => this.request("POST", "/customer", { body }),
    get: (id: string) => this.request("GET", "/customer/{id}", { path: { id } }),
    update: (id: string, body: Body<"/customer/{id}", "PUT">) => this.request("PUT", "/customer/{id}", { path: { id }, body }),
    delete: (id: string) => this.request("DELETE", "/customer/{id}", { path: { id } }),
    list: (query?: Query<"/customer", "GET">) => this.request("GET", "/customer", { query }),
    paymentMethods: (id: string) => this.request("GET", "/customer/{id}/payment-method", { path: { id } }),
  };

  readonly paymentMethods = {
    /** Tokenize a card or bank account with the API key (servers); apps use TenderWeb.tokenize. */
    create: (body: Body<"/payment-method", "POST">) => this.request("POST", "/payment-method", { body }),
    get: (id: string) => this.request("GET", "/payment-method/{id}", { path: { id } }),
    update: (id: string, body: Body<"/payment-method/{id}", "PUT">) => this.request("PUT", "/payment-method/{id}", { path: { id }, body }),
    delete: (id: string) => this.request("DELETE", "/payment-method/{id}", { path: { id } }),
    list: (query?: Query<"/payment-method", "GET">) => this.request("GET", "/payment-method", { query }),
  };

  readonly transactions = {
    get: (id: string) => this.request("GET", "/transaction/{id}", { path: { id } }),
    list: (query?: Query<"/transaction", "GET">) => this.request("GET", "/transaction", { query }),
    capture: (id: string, body: Body<"/transaction/{id}/capture", "POST"> = {}, opts: { idempotencyId?: string } = {}) =>
      this.request("POST", "/transaction/{id}/capture", { path: { id }, body, ...opts }),
    void: (id: string, body: Body<"/transaction/{id}/void", "POST"> = {}, opts: { idempotencyId?: string } = {}) =>
      this.request("POST", "/transaction/{id}/void", { path: { id }, body, ...opts }),
    refund: (id: string, body: Body<"/transaction/{id}/refund", "POST"> = {}, opts: { idempotencyId?: string } = {}) =>
      this.request("POST", "/transaction/{id}/refund", { path: { id }, body, ...opts }),
    voidOrRefund: (id: string, body: Body<"/transaction/{id}/void-or-refund", "POST"> = {}, opts: { idempotencyId?: string } = {}) =>
      this.request("POST", "/transaction/{id}/void-or-refund", { path: { id }, body, ...opts }),
  };

  readonly invoices = {
    create: (body: Body<"/invoice", "POST">) => this.request("POST", "/invoice", { body }),
    get: (id: string) => this.request("GET", "/invoice/{id}", { path: { id } }),
    update: (id: string, body: Body<"/invoice/{id}", "PUT">) => this.request("PUT", "/invoice/{id}", { path: { id }, body }),
    delete: (id: string) => this.request("DELETE", "/invoice/{id}", { path: { id } }),
    list: (query?: Query<"/invoice", "GET">) => this.request("GET", "/invoice", { query }),
    pay: (id: string, body: Body<"/invoice/{id}/pay", "POST">, opts: { idempotencyId?: string } = {}) =>
      this.request("POST", "/invoice/{id}/pay", { path: { id }, body, ...opts }),
    sendEmail: (id: string) => this.request("PUT", "/invoice/{id}/send/email", { path: { id } }),
    sendSms: (id: string) => this.request("PUT", "/invoice/{id}/send/sms", { path: { id } }),
  };

  readonly items = {
    create: (body: Body<"/item", "POST">) => this.request("POST", "/item", { body }),
    get: (id: string) => this.request("GET", "/item/{id}", { path: { id } }),
    update: (id: string, body: Body<"/item/{id}", "PUT">) => this.request("PUT", "/item/{id}", { path: { id }, body }),
    delete: (id: string) => this.request("DELETE", "/item/{id}", { path: { id } }),
    list: (query?: Query<"/item", "GET">) => this.request("GET", "/item", { query }),
  };

  readonly webhooks = {
    /** Subscribe; the answer holds the signing secret (shown only here). */
    create: (body: Body<"/webhook", "POST">) => this.request("POST", "/webhook", { body }),
    list: (query?: Query<"/webhook", "GET">) => this.request("GET", "/webhook", { query }),
    delete: (id: string) => this.request("DELETE", "/webhook/{id}", { path: { id } }),
    deliveries: (id: string) => this.request("GET", "/webhook/{id}/deliveries", { path: { id } }),
  };
}

/** "/customer/{id}" with {id} → "/customer/<encoded id>". */
export function fillPath(template: string, params: Record<string, unknown> = {}): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined || v === null || v === "") throw new Error(`tender: path parameter ${name} is required for ${template}`);
    return encodeURIComponent(String(v));
  });
}
