// Buying, in a real browser with JavaScript off and hydrated: every step is a plain
// form, so both runs take the same steps.
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { mailText } from "./mail";
import { registerAndSignIn, signIn, uniqueEmail } from "./shoppers";

/** The product links of the home page, in order. */
async function productLinks(page: Page): Promise<string[]> {
  await page.goto("/en");
  const hrefs = await page.locator('a[href^="/en/p/"]').evaluateAll((links) =>
    links.map((a) => a.getAttribute("href")!),
  );
  return [...new Set(hrefs)];
}

/** Adds the `index`th in-stock product of the home page to the cart; returns its name. */
async function addProduct(page: Page, index: number, quantity = 1): Promise<string> {
  const links = await productLinks(page);
  for (const href of links.slice(index)) {
    await page.goto(href);
    const button = page.getByRole("button", { name: "Add to cart" });
    if (await button.isDisabled()) continue;
    const name = (await page.locator("h1").textContent())!.trim();
    await page.getByLabel("Quantity").fill(String(quantity));
    await button.click();
    await expect(page).toHaveURL(/\/en\/cart\?added=1$/);
    return name;
  }
  throw new Error("no product in stock");
}

/** How many the shop still has of the product at `href`, as its refusal of 999 says. */
async function stockOf(page: Page, href: string): Promise<number> {
  await page.goto(href);
  await page.getByLabel("Quantity").fill("999");
  await page.getByRole("button", { name: "Add to cart" }).click();
  const message = await page.getByTestId("form-error").textContent();
  const count = message?.match(/Only (\d+) left/);
  if (!count) throw new Error(`unexpected message: ${message}`);
  return Number(count[1]);
}

async function fillAddress(page: Page, a: { name: string; line1: string; city: string; region: string; postal: string; country: string }) {
  await page.getByLabel("Full name").fill(a.name);
  await page.getByLabel("Street and number").fill(a.line1);
  await page.getByLabel("City").fill(a.city);
  await page.getByLabel("State / province").fill(a.region);
  await page.getByLabel("Postal code (CEP, ZIP…)").fill(a.postal);
  await page.getByLabel("Country").selectOption(a.country);
  await page.getByRole("button", { name: "Continue" }).click();
}

test("a guest buys two items with a coupon and the test card, and gets the e-mail", async ({ page }, info) => {
  const email = uniqueEmail(info.project.name, "guest");
  const first = await addProduct(page, 0);
  const second = await addProduct(page, 1, 2);
  await expect(page.getByTestId("cart-line")).toHaveCount(2);
  await expect(page.getByTestId("cart-count").first()).toHaveText("3");
  await page.getByTestId("checkout").click();

  await expect(page).toHaveURL(/\/en\/checkout\/contact$/);
  await page.getByLabel("E-mail").fill(email);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/en\/checkout\/address$/);
  // A ZIP code that is not one comes back beside its field, the rest kept.
  await fillAddress(page, { name: "Ann Lee", line1: "5 Main St", city: "New York", region: "NY", postal: "ABC", country: "US" });
  await expect(page.getByTestId("error-postal_code")).not.toBeEmpty();
  await expect(page.getByLabel("Street and number")).toHaveValue("5 Main St");
  await page.getByLabel("Postal code (CEP, ZIP…)").fill("10001");
  await page.getByRole("button", { name: "Continue" }).click();

  await expect(page).toHaveURL(/\/en\/checkout\/shipping$/);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/en\/checkout\/payment$/);
  await page.getByLabel(/Card \(test\)/).check();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/en\/checkout\/review$/);

  // A code that does not exist is refused with its reason; WELCOME10 applies.
  await page.getByLabel("Discount code").fill("NOPE");
  await page.getByTestId("summary").getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("error-coupon")).toHaveText("This code does not exist.");
  await page.getByLabel("Discount code").fill("welcome10");
  await page.getByTestId("summary").getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("coupon")).toHaveText("Code WELCOME10 applied");
  await expect(page.getByTestId("discount")).toContainText("−$");
  await expect(page.getByTestId("tax")).toBeVisible();
  const total = (await page.getByTestId("total").textContent())!;

  await page.getByLabel("Card number").fill("4242 4242 4242 4242");
  await page.getByTestId("place").click();
  await expect(page).toHaveURL(/\/en\/orders\/[0-9a-f-]{36}\?key=[0-9a-f]{32}$/);
  await expect(page.getByTestId("order-status")).toHaveText("Paid");
  await expect(page.getByTestId("order-total")).toHaveText(total);
  await expect(page.getByTestId("order-lines")).toContainText(first);
  await expect(page.getByTestId("order-lines")).toContainText(second);
  await expect(page.getByText("Discount (WELCOME10)")).toBeVisible();
  await expect(page.getByTestId("order-discount")).toContainText("−$");
  const number = (await page.getByTestId("order-number").textContent())!.replace("Order #", "");
  await expect(page.getByTestId("cart-count").first()).toHaveText("0");

  // The confirmation e-mail, whose link opens the order (the guest's signed link).
  const mail = await mailText(email, `Order #${number}`);
  expect(mail).toContain(`Total: ${total}`);
  const link = mail.match(/https?:\/\/\S+\/orders\/\S+\?key=[0-9a-f]{32}/)![0];
  const other = await page.context().browser()!.newPage();
  await other.goto(link.replace(/^https?:\/\/[^/]+/, ""));
  await expect(other.getByTestId("order-number")).toHaveText(`Order #${number}`);
  // Without the key, another browser finds nothing.
  await other.goto(link.replace(/^https?:\/\/[^/]+/, "").replace(/\?key=.*/, ""));
  await expect(other.getByTestId("order-number")).toHaveCount(0);
  await other.close();
});

test("a customer pays in reais with PIX and staff confirm the payment", async ({ page }, info) => {
  const email = uniqueEmail(info.project.name, "pix");
  await registerAndSignIn(page, email);
  await page.goto("/currency?code=BRL&back=/en");
  await addProduct(page, 2);
  await expect(page.getByTestId("cart-subtotal")).toContainText("R$");
  await page.getByTestId("checkout").click();
  // Signed in: the account's e-mail is already there.
  await expect(page.getByLabel("E-mail")).toHaveValue(email);
  await page.getByRole("button", { name: "Continue" }).click();
  await fillAddress(page, { name: "Ana Souza", line1: "Av. Paulista, 1000", city: "São Paulo", region: "SP", postal: "01310100", country: "BR" });
  await expect(page).toHaveURL(/\/en\/checkout\/shipping$/);
  await expect(page.getByTestId("methods")).toContainText("PAC");
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel(/^PIX/).check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByTestId("place").click();

  await expect(page.getByTestId("order-status")).toHaveText("Awaiting payment");
  await expect(page.getByTestId("pix-code")).toHaveValue(/^000201010212.*br\.gov\.bcb\.pix.*6304[0-9A-F]{4}$/);
  await expect(page.getByTestId("pix-qr").locator("svg")).toBeVisible();
  const number = (await page.getByTestId("order-number").textContent())!.replace("Order #", "");
  await page.goto("/en/account/orders");
  await expect(page.getByTestId("orders")).toContainText(`#${number}`);
  await page.goto("/en/account");
  await page.getByTestId("sign-out").click();

  // Staff see it waiting and confirm the transfer arrived.
  const password = readFileSync(join(process.env.E2E_DATA_DIR!, "demo-admin.txt"), "utf8").trim();
  await signIn(page, "admin@vitrine.example", password);
  await page.getByTestId("staff-orders-link").click();
  await page.getByRole("link", { name: "Awaiting payment" }).click();
  await page.getByRole("link", { name: `#${number}`, exact: true }).click();
  await page.getByTestId("confirm-payment").click();
  await expect(page.getByTestId("notice")).toBeVisible();
  await expect(page.getByTestId("order-status")).toHaveText("Paid");
  await expect(page.getByTestId("confirm-payment")).toHaveCount(0);
  // And move it along, with the reason in its history.
  await page.getByLabel("Move to").selectOption("fulfilling");
  await page.getByLabel("Reason (kept in the history)").first().fill("packing");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("order-status")).toHaveText("Being prepared");
  await expect(page.getByTestId("order-history")).toContainText("admin@vitrine.example · packing");
  const mail = await mailText(email, "payment received");
  expect(mail).toContain(`order #${number}`);
});

test("a declined card says so and leaves the stock as it was", async ({ page }, info) => {
  const links = await productLinks(page);
  const href = links[5];
  const before = await stockOf(page, href);
  await page.goto(href);
  await page.getByLabel("Quantity").fill("1");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await page.goto("/en/checkout/contact");
  await page.getByLabel("E-mail").fill(uniqueEmail(info.project.name, "declined"));
  await page.getByRole("button", { name: "Continue" }).click();
  await fillAddress(page, { name: "Ann Lee", line1: "5 Main St", city: "Austin", region: "TX", postal: "73301", country: "US" });
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel("Card number").fill("4000 0000 0000 0002");
  await page.getByTestId("place").click();
  await expect(page).toHaveURL(/\/en\/checkout\/review/);
  await expect(page.getByTestId("error-card_number")).toHaveText(
    "Your card was declined. Nothing was charged: try another card or payment method.",
  );
  await expect(page.getByTestId("cart-count").first()).toHaveText("1");
  expect(await stockOf(page, href)).toBe(before);
});

test("a card that asks for a confirmation is paid once the shopper confirms", async ({ page }, info) => {
  await addProduct(page, 8);
  await page.goto("/en/checkout/contact");
  await page.getByLabel("E-mail").fill(uniqueEmail(info.project.name, "confirm"));
  await page.getByRole("button", { name: "Continue" }).click();
  await fillAddress(page, { name: "Rui Sá", line1: "Rua Augusta 1", city: "Lisboa", region: "", postal: "1100-048", country: "PT" });
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  // Portugal: VAT is added to the order.
  await expect(page.getByTestId("tax")).toBeVisible();
  await page.getByLabel("Card number").fill("4000 0027 6000 3184");
  await page.getByTestId("place").click();
  await expect(page.getByTestId("order-status")).toHaveText("Awaiting payment");
  await expect(page.getByTestId("pay-now")).toContainText("Your bank asks you to confirm this payment.");
  await page.getByTestId("confirm-yes").click();
  await expect(page.getByTestId("order-status")).toHaveText("Paid");
  await expect(page.getByTestId("payment-done")).toContainText("3184");
});
