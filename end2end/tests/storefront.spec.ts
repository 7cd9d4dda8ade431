import { expect, test } from "./fixtures";

const hydrated = (name: string) => name === "hydrated";

test("the home page shows the shop and its categories from the database", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page).toHaveURL("/en");
  await expect(page).toHaveTitle("Shop by category");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByTestId("shop-name")).toHaveText("Vitrine Demo Shop");
  const categories = page.getByTestId("category-list");
  for (const name of ["Clothing", "T-shirts", "Jackets", "Shoes", "Sneakers", "Boots", "Home", "Mugs"]) {
    await expect(categories.getByText(name, { exact: true })).toBeVisible();
  }
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Shop by category");
});

test("the page is styled by the hashed, long-cached stylesheet", async ({ page, request }) => {
  await page.goto("/en");
  const href = await page.locator('link[rel="stylesheet"]').getAttribute("href");
  expect(href).toMatch(/^\/pkg\/vitrine\.[\w-]+\.css$/);
  const css = await request.get(href!);
  expect(css.status()).toBe(200);
  expect(css.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
  // Tailwind's output, applied: the header has a white background.
  const background = await page.locator("header").evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(background).toBe("rgb(255, 255, 255)");
});

test("an unknown address shows the 404 page with status 404", async ({ page }) => {
  const response = await page.goto("/en/this/page/does-not-exist");
  expect(response?.status()).toBe(404);
  await expect(page.getByTestId("not-found")).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  await expect(page).toHaveTitle("Page not found");
  await page.getByRole("link", { name: "Back to the shop" }).click();
  await expect(page).toHaveURL("/en");
  await expect(page.getByTestId("category-list")).toBeVisible();
});

test("the menu button works once the page has hydrated", async ({ page }, testInfo) => {
  await page.goto("/en");
  const toggle = page.getByTestId("menu-toggle");
  const menu = page.locator("#site-menu");
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await expect(menu).toBeHidden();
  if (hydrated(testInfo.project.name)) {
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    await expect(menu).toBeVisible();
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(menu).toBeHidden();
  } else {
    // Without JavaScript nothing hydrates, and the button does nothing: the categories
    // are on the page itself.
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(page.locator("body")).not.toHaveAttribute("data-hydrated", "true");
    await expect(page.getByTestId("category-list")).toBeVisible();
  }
});

test("pages are sent with the security headers", async ({ request }) => {
  const response = await request.get("/en");
  const headers = response.headers();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["content-security-policy"]).toMatch(/script-src 'nonce-[\w-]+'/);
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
});
