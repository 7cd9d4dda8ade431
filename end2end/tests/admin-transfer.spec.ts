// The back office's catalog file, in a real browser with JavaScript off and hydrated: an
// admin downloads the catalog as CSV, changes one price in it, uploads it, reads what
// would change, applies it, and finds the change with its old and new value in the
// audit log.
import { expect, test } from "./fixtures";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { signIn } from "./shoppers";

/** A CSV file's rows (quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(cell); cell = ""; }
    else if (c === "\n") { row.push(cell); rows.push(row); row = []; cell = ""; }
    else if (c !== "\r") cell += c;
  }
  if (cell !== "" || row.length > 0) { row.push(cell); rows.push(row); }
  return rows;
}

function toCsv(rows: string[][]): string {
  const quote = (cell: string) => (/[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  return rows.map((row) => row.map(quote).join(",")).join("\n") + "\n";
}

test("an exported catalog, edited and imported back, changes exactly the edited row", async ({ page }, info) => {
  const password = readFileSync(join(process.env.E2E_DATA_DIR!, "demo-admin.txt"), "utf8").trim();
  await signIn(page, "admin@vitrine.example", password);
  await expect(page).toHaveURL(/\/en\/account$/);
  await page.getByTestId("admin-link").click();
  await expect(page.getByTestId("admin-menu")).toBeVisible();
  await page.getByTestId("admin-menu").getByRole("link", { name: "Import and export" }).click();
  await expect(page.getByTestId("export")).toBeVisible();

  // The download, with this browser's sign-in.
  const response = await page.request.get("/admin/export/products.csv?lang=en");
  expect(response.status()).toBe(200);
  const rows = parseCsv(await response.text());
  const header = rows[0];
  const sku = header.indexOf("sku");
  const price = header.indexOf("price");
  const handle = header.indexOf("handle");
  // The two runs share one shop with the other browser tests, which create and publish
  // products of their own while this one runs; each run edits a row of a different demo
  // product and sends back that product's rows, so no other test's change can land in
  // its file (the import changes only the rows a file has).
  const demo = rows.slice(1).filter((r) => /^[A-Z]{2}-\d{7}-/.test(r[sku] ?? ""));
  const handles = [...new Set(demo.map((r) => r[handle]))];
  expect(handles.length).toBeGreaterThan(2);
  const product = handles[info.project.name === "hydrated" ? handles.length - 1 : handles.length - 2];
  const sent = demo.filter((r) => r[handle] === product);
  const row = sent[sent.length - 1];
  const oldPrice = row[price];
  const newPrice = info.project.name === "hydrated" ? "88.80" : "77.70";
  row[price] = newPrice;
  rows.splice(0, rows.length, header, ...sent);

  await page.locator("input[name=file]").setInputFiles({
    name: "catalog.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(toCsv(rows)),
  });
  await page.getByRole("button", { name: "Check the file" }).click();
  await expect(page.getByTestId("preview-counts")).toContainText("0 products changed, 0 new variants, 1 variants changed");
  await expect(page.getByTestId("change")).toHaveCount(1);
  await expect(page.getByTestId("change")).toContainText(row[sku]);
  await expect(page.getByTestId("change")).toContainText("price");
  await page.getByTestId("apply").click();
  await expect(page.getByTestId("notice")).toContainText("1 variants changed");

  // The audit log names the row with its old and new price.
  await page.getByTestId("admin-menu").getByRole("link", { name: "Audit log" }).click();
  await page.getByLabel("Id").fill("");
  await page.getByLabel("What").fill("variant");
  await page.getByRole("button", { name: "Filter" }).click();
  const record = page.getByTestId("audit-row").filter({ hasText: row[sku] }).first();
  await expect(record).toContainText("variant.import");
  await expect(record).toContainText(`${Number(oldPrice)}`);
  await expect(record).toContainText(`${Number(newPrice)}`);
});

test("a broken file is refused with the line and column of each problem", async ({ page }) => {
  const password = readFileSync(join(process.env.E2E_DATA_DIR!, "demo-admin.txt"), "utf8").trim();
  await signIn(page, "admin@vitrine.example", password);
  await page.goto("/en/admin/transfer");
  await page.locator("input[name=file]").setInputFiles({
    name: "catalog.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("handle,sku,price,stock\nnew-thing,NEW-THING-1,abc,-1\n"),
  });
  await page.getByRole("button", { name: "Check the file" }).click();
  // No name, no category, a price that is no amount, a negative stock.
  await expect(page.getByTestId("preview-problems")).toContainText("4 problems");
  await expect(page.getByTestId("problems")).toContainText("Write an amount in USD such as 1999.90");
  await expect(page.getByTestId("problems")).toContainText("A product needs a category.");
  await expect(page.getByTestId("apply")).toHaveCount(0);
});
