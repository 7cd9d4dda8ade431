// Shoppers as the browser tests make them: unique e-mails, signing up and in.
import type { Page } from "@playwright/test";
import { expect } from "./fixtures";
import { linkFromMail } from "./mail";

export const PASSWORD = "purple elephant dances quietly";

export function uniqueEmail(project: string, who: string): string {
  return `${who}-${project}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/en/account/sign-in");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Registers, confirms the address from the e-mail, and signs in. */
export async function registerAndSignIn(page: Page, email: string) {
  await page.goto("/en/account/sign-up");
  await page.getByLabel("Name").fill("Ana Souza");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("check-email")).toContainText("Check your e-mail");

  const link = await linkFromMail(email, "/account/verify");
  await page.goto(link.replace(/^https?:\/\/[^/]+/, ""));
  await page.getByRole("button", { name: "Confirm my e-mail" }).click();
  await expect(page).toHaveURL(/\/en\/account\/sign-in\?verified=1$/);
  await expect(page.getByTestId("notice")).toContainText("Your e-mail is confirmed");

  await signIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/en\/account$/);
  await expect(page.getByTestId("greeting")).toHaveText("Hello, Ana Souza");
}
