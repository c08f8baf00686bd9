// Compile-time tests of the generated typing (npm test runs tsc on it): each
// expected error below must be one, and the rest must type-check.
import { Tender } from "../src/client.js";
declare const t: Tender;
export async function probe() {
  const tx = await t.charge({ payment_method_id: "x", total: 1 });
  const s: string = tx.id;
  // @ts-expect-error not a field
  tx.nope;
  const c = await t.request("GET", "/customer/{id}", { path: { id: "1" } });
  const e: string | null | undefined = c.email;
  // @ts-expect-error path param required
  await t.request("GET", "/customer/{id}", {});
  // @ts-expect-error no such path
  await t.request("GET", "/nope");
  const l = await t.customers.list({ per_page: 10 });
  const n: number = l.total;
  await t.request("POST", "/sandbox/batch");
  // @ts-expect-error wrong body type
  await t.customers.create({ firstname: 5 });
  return [s, e, n];
}
