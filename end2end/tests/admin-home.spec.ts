// The back office's dashboard and inventory grid, with JavaScript off and hydrated: the
// sales chart is SVG in the page itself, a variant's stock is changed in its row (a
// wrong value first, told beside the field), and the audit log shows the change with
// the values before and after.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "./fixtures";
import { signIn } from "./shoppers";

test("an admin reads the dashboard and changes a variant's stock in the inventory grid", async ({ page }, info) => {
  const password = readFileSync(join(process.env.E2E_DATA_DIR!, "demo-admin.txt"), "utf8").trim();
  await signIn(page, "admin@vitrine.example", password);

  await page.goto("/en/admin");
  await expect(page.getByTestId("sales-chart").locator("svg")).toBeVisible();
  await expect(page.getByTestId("chart-day")).toHaveCount(30);
  // Each day says its figures on hover, JavaScript or not.
  await expect(page.getByTestId("chart-day").last().locator("title")).toContainText(/orders$/);
  await expect(page.getByTestId("todos")).toContainText("orders to fulfil");
  await page.getByTestId("period-90").click();
  await expect(page.getByTestId("chart-day")).toHaveCount(90);

  // A variant from the grid's last page (the storefront tests buy from the first
  // products), a different one for each run.
  await page.goto("/en/admin/inventory");
  await page.getByRole("link", { name: "Next" }).click();
  const pick = page.getByTestId("inventory-row").nth(info.project.name === "hydrated" ? 1 : 0);
  const sku = (await pick.getAttribute("data-sku"))!;
  await page.getByLabel("SKU or name").fill(sku);
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.getByTestId("inventory-row")).toHaveCount(1);
  const row = page.getByTestId("inventory-row");
  const before = await row.getByLabel(`Stock of ${sku}`).inputValue();
  const after = String(Number(before) + 7);

  await row.getByLabel(`Stock of ${sku}`).fill("-1");
  await row.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("inventory-row").getByTestId("error-stock")).toHaveText(
    "Enter a whole number, 0 or more.",
  );

  await page.getByTestId("inventory-row").getByLabel(`Stock of ${sku}`).fill(after);
  await page.getByTestId("inventory-row").getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("notice")).toHaveText("Saved.");
  await expect(page.getByTestId("inventory-row").getByLabel(`Stock of ${sku}`)).toHaveValue(after);
  await expect(page.getByTestId("inventory-row").getByTestId("error-stock")).toHaveText("");

  await page.goto("/en/admin/audit?action=variant");
  const entry = page.getByTestId("audit-row").filter({ hasText: sku }).first();
  await expect(entry.getByTestId("audit-action")).toHaveText("variant.update");
  await expect(entry.getByTestId("audit-change")).toHaveText(`stock: ${before} → ${after}`);
});
