/** Stax's 422 body: each field with its messages. */
export type FieldErrors = Record<string, string[]>;

/**
 * An answer other than 2xx. status is the HTTP status; fields holds the
 * 422 field messages (`{"total": ["The total field is required."]}`);
 * message is the server's `error` (or the first field message); body is
 * the parsed JSON (a declined charge's 400 carries the transaction, with
 * success false and its message). A request that never got an answer
 * (network error) has status 0.
 */
export class TenderError extends Error {
  readonly status: number;
  readonly fields: FieldErrors;
  readonly body: unknown;
  readonly requestId: string | null;
  readonly retryAfterMs: number | null;

  constructor(
    status: number,
    body: unknown,
    opts: { requestId?: string | null; retryAfterMs?: number | null; message?: string } = {}
  ) {
    const fields = status === 422 ? fieldErrors(body) : {};
    super(opts.message ?? messageOf(status, body, fields));
    this.name = "TenderError";
    this.status = status;
    this.fields = fields;
    this.body = body;
    this.requestId = opts.requestId ?? null;
    this.retryAfterMs = opts.retryAfterMs ?? null;
  }

  /** The transaction of a declined (400) or pending payment, if the body is one. */
  get transaction(): Record<string, unknown> | null {
    const b = this.body as Record<string, unknown> | null;
    return b && typeof b === "object" && "success" in b && "id" in b ? b : null;
  }
}

function fieldErrors(body: unknown): FieldErrors {
  const out: FieldErrors = {};
  if (!body || typeof body !== "object" || Array.isArray(body)) return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (Array.isArray(v)) out[k] = v.map(String);
    else if (typeof v === "string" && k !== "error") out[k] = [v];
  }
  return out;
}

function messageOf(status: number, body: unknown, fields: FieldErrors): string {
  const b = body as Record<string, unknown> | null;
  if (b && typeof b === "object") {
    if (typeof b.error === "string") return b.error;
    if (typeof b.message === "string" && b.message) return b.message;
  }
  const first = Object.values(fields)[0]?.[0];
  if (first) return first;
  return `Tender answered HTTP ${status}`;
}
