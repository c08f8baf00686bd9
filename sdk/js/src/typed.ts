// Types that key a request by the generated paths: its path parameters,
// query, body and answer, all from src/schema.ts.
import type { paths } from "./schema.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE" | "PATCH";

type Lower<M extends HttpMethod> = Lowercase<M>;

/** The operation of path P under method M (never when there is none). */
export type Operation<P extends keyof paths, M extends HttpMethod> =
  Lower<M> extends keyof paths[P]
    ? NonNullable<paths[P][Lower<M>]> extends { responses: unknown }
      ? NonNullable<paths[P][Lower<M>]>
      : never
    : never;

/** The paths that have an operation under method M. */
export type PathsFor<M extends HttpMethod> = {
  [P in keyof paths]: [Operation<P, M>] extends [never] ? never : P;
}[keyof paths];

type Params<O, K extends "path" | "query"> = O extends { parameters: infer PR }
  ? PR extends { [k in K]?: infer X }
    ? [X] extends [undefined]
      ? never
      : X
    : never
  : never;

/** The JSON body an operation takes. */
export type BodyOf<O> = O extends { requestBody?: infer RB }
  ? NonNullable<RB> extends { content: { "application/json": infer B } }
    ? B
    : never
  : never;

type Json<R> = R extends { content: { "application/json": infer B } } ? B : never;

/** The JSON answer of an operation's success status (200, 201 or 202). */
export type ResponseOf<O> = O extends { responses: infer R }
  ? R extends { 200: infer A }
    ? Json<A>
    : R extends { 201: infer A }
      ? Json<A>
      : R extends { 202: infer A }
        ? Json<A>
        : unknown
  : unknown;

type Opt<K extends string, T> = [T] extends [never]
  ? { [k in K]?: never }
  : {} extends NonNullable<T>
    ? { [k in K]?: NonNullable<T> }
    : { [k in K]: NonNullable<T> };

/** What request() takes for an operation: path parameters, query, body. */
export type RequestOptions<O> = Opt<"path", Params<O, "path">> &
  Opt<"query", Params<O, "query">> &
  Opt<"body", BodyOf<O>> & {
    /** Extra headers for this request. */
    headers?: Record<string, string>;
    /**
     * For money calls: the idempotency id to send (by default one is
     * made for the call and reused by its retries). Ignored elsewhere.
     */
    idempotencyId?: string;
  };

type HasRequired<T> = {} extends T ? false : true;

/** The options argument: optional when nothing in it is required. */
export type OptionsArg<O> = HasRequired<RequestOptions<O>> extends true ? [opts: RequestOptions<O>] : [opts?: RequestOptions<O>];
