// The storefront catalog as a shopper uses it, with JavaScript off and hydrated.
import { expect, test } from "./fixtures";

/** "$18.99" → 18.99 (English formatting). */
const dollars = (text: string) => Number(text.replace(/[^0-9.]/g, ""));

test("browse a category, then filter it by price and by material", async ({ page }) => {
  await page.goto("/en");
  await page.getByTestId("category-list").getByRole("link", { name: "T-shirts" }).click();
  await expect(page).toHaveURL("/en/c/t-shirts");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("T-shirts");
  await expect(page.getByTestId("product-card").first()).toBeVisible();
  const allCount = await page.getByTestId("result-count").textContent();

  const material = page.getByTestId("facet-material").getByRole("link", { name: /Organic cotton/ });
  await material.click();
  await expect(page).toHaveURL(/f=material%3Aorganic-cotton/);
  await expect(material).toHaveAttribute("aria-pressed", "true");
  expect(await page.getByTestId("result-count").textContent()).not.toBe(allCount);

  // The price form keeps the material filter (hidden field) and adds the range.
  const filters = page.getByTestId("filters");
  await filters.getByLabel("Min").fill("20");
  await filters.getByLabel("Max").fill("30");
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/f=material%3Aorganic-cotton/);
  await expect(page).toHaveURL(/min_price=20&max_price=30/);
  const prices = await page.getByTestId("product-card").getByTestId("price").allTextContents();
  expect(prices.length).toBeGreaterThan(0);
  for (const price of prices) {
    expect(dollars(price)).toBeGreaterThanOrEqual(20);
    expect(dollars(price)).toBeLessThanOrEqual(30);
  }
});

test("open a product and change its variant", async ({ page }) => {
  await page.goto("/en/c/sneakers?sort=name");
  const first = page.getByTestId("product-card").first();
  const name = (await first.getByRole("heading").textContent())!.trim();
  await first.getByRole("link").first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  await expect(page.getByTestId("breadcrumbs")).toContainText("Sneakers");
  const sku = (await page.getByTestId("sku").textContent())!;

  // Pick the other colour: a link, so it works without JavaScript too.
  const colours = page.getByTestId("option-colour").getByRole("link");
  const other = colours.and(page.locator(":not([aria-current])")).first();
  await other.click();
  await expect(page).toHaveURL(/\?variant=/);
  await expect(page.getByTestId("sku")).not.toHaveText(sku);
  await expect(page.getByTestId("product-price")).toHaveText(/^\$\d+\.\d\d$/);
});

test("search forgives a typo", async ({ page }) => {
  await page.goto("/en");
  await page.getByRole("searchbox").fill("tshrit");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL("/en/search?q=tshrit");
  await expect(page.getByTestId("did-you-mean")).toContainText("tshirt");
  const names = await page.getByTestId("product-card").getByRole("heading").allTextContents();
  expect(names.length).toBeGreaterThan(0);
  for (const name of names) expect(name).toContain("T-shirt");

  await page.getByRole("searchbox").fill("zzzzqqqq");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByTestId("no-results")).toBeVisible();
});

test("switch to Portuguese and reais on the same page", async ({ page }) => {
  await page.goto("/en/c/t-shirts");
  await page.getByTestId("languages").getByRole("link", { name: "Português (Brasil)" }).click();
  await expect(page).toHaveURL("/pt-br/c/camisetas");
  await expect(page.locator("html")).toHaveAttribute("lang", "pt-BR");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Camisetas");
  await expect(page.getByRole("button", { name: "Buscar" })).toBeVisible();

  await page.getByTestId("currency").selectOption("BRL");
  await page.getByRole("button", { name: "Aplicar" }).first().click();
  await expect(page).toHaveURL("/pt-br/c/camisetas");
  const price = page.getByTestId("product-card").first().getByTestId("price");
  await expect(price).toHaveText(/^R\$\s\d{1,3}(\.\d{3})*,\d{2}$/);
});

test("an unknown product is a 404 in the shopper's language", async ({ page }) => {
  const response = await page.goto("/pt-br/p/produto-que-nao-existe");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Página não encontrada");
});
