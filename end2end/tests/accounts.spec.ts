// Accounts in a real browser, with JavaScript off and hydrated: every form is a plain
// HTML form, so both runs take the same steps.
import { expect, test } from "./fixtures";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { linkFromMail, totp } from "./mail";
import { PASSWORD, registerAndSignIn, signIn, uniqueEmail } from "./shoppers";

test("a shopper registers, confirms the e-mail from the outbox, signs in and out", async ({ page }, info) => {
  const email = uniqueEmail(info.project.name, "reg");
  // Field errors come back inline, beside their field.
  await page.goto("/en/account/sign-up");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password", { exact: true }).fill("password1");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("error-password")).toHaveText(
    "This password is too easy to guess. Add more words or characters.",
  );
  await expect(page.getByLabel("Password", { exact: true })).toHaveAttribute("aria-invalid", "true");
  // What was typed comes back, except the password.
  await expect(page.getByLabel("E-mail")).toHaveValue(email);
  await expect(page.getByLabel("Password", { exact: true })).toHaveValue("");

  if (info.project.name === "hydrated") {
    // The page's code is a lazily loaded chunk; the page still hydrates.
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  }

  await registerAndSignIn(page, email);
  await expect(page.getByTestId("account-link")).toHaveText("My account");
  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/en$/);
  await expect(page.getByTestId("account-link")).toHaveText("Sign in");
  // Signed out means the account pages send you to sign in.
  await page.goto("/en/account");
  await expect(page).toHaveURL(/\/en\/account\/sign-in$/);

  // A wrong password reads the same as an unknown e-mail.
  await signIn(page, email, "not the right password");
  await expect(page.getByTestId("form-error")).toHaveText("The e-mail or password is wrong.");
  await signIn(page, `nobody-${email}`, "not the right password");
  await expect(page.getByTestId("form-error")).toHaveText("The e-mail or password is wrong.");
});

test("two-factor sign-in is set up from the QR code's key and then asks for a code", async ({ page }, info) => {
  const email = uniqueEmail(info.project.name, "totp");
  await registerAndSignIn(page, email);
  await page.goto("/en/account/security");
  await expect(page.getByTestId("two-factor-off")).toBeVisible();
  await page.getByTestId("two-factor-setup").click();
  // The secret is shown only after the password (a stolen session never sees it).
  await expect(page.getByTestId("qr-code")).toHaveCount(0);
  await page.getByTestId("two-factor-start").getByLabel("Current password").fill(PASSWORD);
  await page.getByTestId("two-factor-start").getByRole("button", { name: "Continue" }).click();
  await expect(page.getByTestId("qr-code").locator("svg")).toBeVisible();
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();

  // Turning two factors on asks for the password too (a stolen session is not enough).
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("Code").fill("000000" === totp(secret, Date.now() / 1000) ? "111111" : "000000");
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByTestId("error-code")).toHaveText("That code is not right or was already used.");
  // A wrong code after the right password shows the same key again, to try its next code.
  expect((await page.getByTestId("totp-secret").textContent())!.trim()).toBe(secret);

  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("Code").fill(totp(secret, Date.now() / 1000));
  await page.getByRole("button", { name: "Turn on" }).click();
  const codes = page.getByTestId("recovery-codes").locator("li");
  await expect(codes).toHaveCount(10);
  const recovery = (await codes.first().textContent())!.trim();
  // Shown once only.
  await page.goto("/en/account/security/recovery-codes");
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(0);

  await page.goto("/en/account");
  await page.getByTestId("sign-out").click();
  await signIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/en\/account\/sign-in\/code$/);
  // The code that turned two factors on cannot be replayed; the next step's code works.
  await page.getByLabel("Code").fill(totp(secret, Date.now() / 1000 + 30));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByTestId("greeting")).toHaveText("Hello, Ana Souza");
  await page.goto("/en/account/security");
  await expect(page.getByTestId("two-factor-on")).toBeVisible();

  // A recovery code signs in once.
  await page.goto("/en/account");
  await page.getByTestId("sign-out").click();
  await signIn(page, email, PASSWORD);
  await page.getByLabel("Code").fill(recovery);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByTestId("greeting")).toBeVisible();
});

test("a forgotten password is reset from the e-mailed link, which works once", async ({ page, browser }, info) => {
  const email = uniqueEmail(info.project.name, "reset");
  await registerAndSignIn(page, email);
  // Another browser forgets the password.
  const other = await browser.newPage();
  await other.goto("/en/account/forgot");
  await other.getByLabel("E-mail").fill(email);
  await other.getByRole("button", { name: "Send the link" }).click();
  await expect(other.getByTestId("notice")).toContainText("If an account uses this address");
  const link = (await linkFromMail(email, "/account/reset")).replace(/^https?:\/\/[^/]+/, "");
  await other.goto(link);
  await other.getByLabel("New password").fill("granite harbor lemonade sky");
  await other.getByRole("button", { name: "Save the new password" }).click();
  await expect(other).toHaveURL(/\/en\/account\/sign-in\?reset=1$/);
  // The link is used up.
  await other.goto(link);
  await other.getByLabel("New password").fill("another long fine phrase");
  await other.getByRole("button", { name: "Save the new password" }).click();
  await expect(other.getByTestId("form-error")).toHaveText("This link has expired or was already used. Ask for a new one.");
  await other.close();

  // The first browser was signed out by the reset.
  await page.goto("/en/account");
  await expect(page).toHaveURL(/\/en\/account\/sign-in$/);
  await signIn(page, email, "granite harbor lemonade sky");
  await expect(page.getByTestId("greeting")).toBeVisible();
});

test("an address is added after fixing what the form points out", async ({ page }, info) => {
  await registerAndSignIn(page, uniqueEmail(info.project.name, "addr"));
  await page.goto("/en/account/addresses");
  await expect(page.getByText("No addresses yet.")).toBeVisible();
  const fill = async (postalCode: string) => {
    await page.getByLabel("Full name").fill("Ana Souza");
    await page.getByLabel("Street and number").fill("Av. Paulista, 1000");
    await page.getByLabel("City").fill("São Paulo");
    await page.getByLabel("State / province").fill("SP");
    await page.getByLabel("Postal code (CEP, ZIP…)").fill(postalCode);
    await page.getByLabel("Country").selectOption("BR");
    await page.getByRole("button", { name: "Save address" }).click();
  };
  await fill("1310-100");
  await expect(page.getByTestId("error-postal_code")).toHaveText("Enter the CEP as 00000-000.");
  await expect(page.getByLabel("City")).toHaveValue("São Paulo");
  await expect(page.getByLabel("Country")).toHaveValue("BR");
  await fill("01310100");
  await expect(page.getByTestId("notice")).toHaveText("Saved.");
  const address = page.getByTestId("address");
  await expect(address).toHaveCount(1);
  await expect(address).toContainText("01310-100 São Paulo SP");
  await expect(address.getByTestId("default")).toHaveText("Default");

  // Edited in place: the form comes filled in, and keeps the address's kind.
  await address.getByRole("link", { name: "Edit address" }).click();
  await expect(page.getByLabel("City")).toHaveValue("São Paulo");
  await page.getByLabel("City").fill("Campinas");
  await page.getByLabel("Postal code (CEP, ZIP…)").fill("13010-000");
  await page.getByRole("button", { name: "Save address" }).click();
  await expect(page.getByTestId("address")).toHaveCount(1);
  await expect(page.getByTestId("address")).toContainText("13010-000 Campinas SP");
});

test("a form posted from another site is refused", async ({ request }) => {
  const page = await request.get("/en/account/sign-in");
  const action = (await page.text()).match(/action="(\/api\/sign_in\d*)"/)![1];
  const response = await request.post(action, {
    headers: { Origin: "https://evil.example", Accept: "text/html" },
    form: { lang: "en", email: "a@example.com", password: PASSWORD },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(403);
  expect(await response.text()).toContain("sent from another site");
});

test("the demo admin from the start-up line sees the accounts; a customer is refused them", async ({ page }, info) => {
  // The run command prints this password; it is also kept in the data folder.
  const password = readFileSync(join(process.env.E2E_DATA_DIR!, "demo-admin.txt"), "utf8").trim();
  await signIn(page, "admin@vitrine.example", password);
  await expect(page).toHaveURL(/\/en\/account$/);
  await page.getByTestId("staff-link").click();
  await expect(page.getByTestId("accounts")).toContainText("admin@vitrine.example");
  await expect(page.getByTestId("staff-two-factor")).toBeVisible();
  await page.goto("/en/account");
  await page.getByTestId("sign-out").click();

  await registerAndSignIn(page, uniqueEmail(info.project.name, "cust"));
  await expect(page.getByTestId("staff-link")).toHaveCount(0);
  await page.goto("/en/admin/accounts");
  await expect(page.getByTestId("form-error")).toContainText("You are not allowed to do this.");
  await expect(page.getByTestId("accounts")).toHaveCount(0);
});
