// The back office's products in the browser: the demo admin creates a product with two
// variants and names in English and Portuguese, gives it a picture, publishes it from
// the list, and a shopper finds it, pictured, on /en in USD and on /pt-br in BRL. Runs
// without JavaScript and hydrated.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "./fixtures";
import { png } from "./pictures";
import { signIn } from "./shoppers";

test("an admin creates a product with two variants, publishes it, and a shopper finds it in BRL", async ({ page }, info) => {
  const tag = `zq${info.project.name === "no-js" ? 1 : 2}${Date.now() % 1e8}`;
  const sku = tag.toUpperCase();
  const password = readFileSync(join(process.env.E2E_DATA_DIR!, "demo-admin.txt"), "utf8").trim();
  await signIn(page, "admin@vitrine.example", password);
  await expect(page).toHaveURL(/\/en\/account$/);

  await page.goto("/en/admin/products");
  await page.getByTestId("new-product").click();
  await expect(page).toHaveURL(/\/en\/admin\/products\/new$/);
  // A new product's languages are all missing until written.
  await expect(page.getByTestId("missing")).toHaveCount(4);
  await page.getByTestId("name-en").fill(`Aurora Linen Shirt ${tag}`);
  await page.getByTestId("name-pt-BR").fill(`Camisa de Linho Aurora ${tag}`);
  await page.getByTestId("category").selectOption({ index: 1 });
  await page.getByTestId("sku-new").fill(`${sku}-S`);
  // A wrong price first: the message shows beside it and nothing is created.
  await page.getByTestId("price-new").fill("abc");
  await page.getByTestId("stock-new").fill("5");
  await page.getByTestId("save-product").click();
  await expect(page.getByTestId("error-price.new")).toContainText("Enter an amount of zero or more");
  await expect(page.getByTestId("name-pt-BR")).toHaveValue(`Camisa de Linho Aurora ${tag}`);
  await page.getByTestId("price-new").fill("30");
  await page.getByTestId("save-product").click();
  await expect(page).toHaveURL(/\/en\/admin\/products\/[0-9a-f-]{36}\?saved=1$/);
  await expect(page.getByTestId("notice")).toContainText("Saved.");
  await expect(page.getByTestId("missing")).toHaveCount(2);

  // The second variant, from the empty row.
  await page.getByTestId("sku-new").fill(`${sku}-M`);
  await page.getByTestId("price-new").fill("32");
  await page.getByTestId("stock-new").fill("3");
  await page.getByTestId("save-product").click();
  await expect(page.getByTestId("notice")).toContainText("Saved.");
  await expect(page.getByTestId("variant")).toHaveCount(2);

  // A picture, from the editor's pictures page.
  await page.getByTestId("images-link").click();
  await page.locator("input[name=file]").setInputFiles({ name: "shirt.png", mimeType: "image/png", buffer: png(700, 700) });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByTestId("admin-image")).toHaveCount(1);

  // Published from the list, found by its SKU.
  await page.goto(`/en/admin/products?q=${sku}`);
  await expect(page.getByTestId("product-row")).toHaveCount(1);
  await expect(page.getByTestId("row-status")).toHaveText("Draft");
  await page.getByTestId("tick").check();
  await page.getByTestId("bulk-action").selectOption("publish");
  await page.getByTestId("bulk-apply").click();
  await expect(page.getByTestId("notice")).toContainText("1 products changed.");
  await expect(page.getByTestId("row-status")).toHaveText("Active");

  // A shopper in English finds it, pictured, priced in dollars.
  await page.goto(`/en/search?q=${tag}`);
  const english = page.getByTestId("product-card");
  await expect(english).toHaveCount(1);
  await expect(english).toContainText(`Aurora Linen Shirt ${tag}`);
  await expect(english.getByTestId("price")).toContainText("$30.00");
  await expect(english.locator("img")).toHaveAttribute("srcset", /\/media\/[0-9a-f-]{36}\/320\.webp 320w/);

  // A shopper in Portuguese finds it, priced in reais (30 USD × 5.40).
  await page.goto(`/pt-br/search?q=${tag}`);
  const card = page.getByTestId("product-card");
  await expect(card).toHaveCount(1);
  await expect(card).toContainText(`Camisa de Linho Aurora ${tag}`);
  await expect(card.getByTestId("price")).toContainText("162,00");
  await expect(card.getByTestId("price")).toContainText("R$");
  await expect(card.locator("img")).toHaveAttribute("srcset", /\/media\/[0-9a-f-]{36}\/320\.webp 320w/);
});
