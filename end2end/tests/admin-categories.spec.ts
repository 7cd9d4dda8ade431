// The category tree in the back office: the shop owner adds a subcategory named in
// English and Portuguese, and shoppers find it in the storefront's category menu in both
// languages. A bad slug comes back beside its field, with what was typed kept.
import { expect, test } from "./fixtures";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { signIn } from "./shoppers";

test("an admin adds a subcategory in two languages and the storefront lists it in both", async ({ page }, info) => {
  const password = readFileSync(join(process.env.E2E_DATA_DIR!, "demo-admin.txt"), "utf8").trim();
  await signIn(page, "admin@vitrine.example", password);
  // One run per project against one shop: names of their own.
  const tag = `${info.project.name.replace(/[^a-z]/g, "")}${Date.now().toString(36)}`;
  const english = `Rain hats ${tag}`;
  const portuguese = `Chapéus de chuva ${tag}`;

  await page.goto("/en/admin/categories");
  await expect(page.getByTestId("category-tree")).toBeVisible();
  const form = page.getByTestId("add-category");
  // The first category in the tree is a top-level one: the new one goes under it.
  await form.getByTestId("new-parent").selectOption({ index: 1 });

  // A slug with a space is refused beside its field; the names typed are kept.
  await form.getByTestId("new-name_en").fill(english);
  await form.getByTestId("new-slug_en").fill("rain hats");
  await form.getByTestId("new-name_pt_br").fill(portuguese);
  await form.getByTestId("add-category-submit").click();
  await expect(page.getByTestId("error-slug_en").first()).toContainText("lower-case");
  await expect(page.getByTestId("add-category").getByTestId("new-name_pt_br")).toHaveValue(portuguese);

  // Left blank, the slug is made from the name.
  await page.getByTestId("add-category").getByTestId("new-parent").selectOption({ index: 1 });
  await page.getByTestId("add-category").getByTestId("new-slug_en").fill("");
  await page.getByTestId("add-category").getByTestId("add-category-submit").click();
  await expect(page.getByTestId("notice")).toBeVisible();
  const row = page
    .getByTestId("category-row")
    .filter({ has: page.getByTestId("category-name").getByText(english, { exact: true }) });
  await expect(row).toHaveAttribute("data-level", "2");

  // The storefront's category menu, in English and in Portuguese.
  await page.goto("/en");
  await expect(page.getByTestId("category-list")).toContainText(english);
  await page.goto("/pt-br");
  const list = page.getByTestId("category-list");
  await expect(list).toContainText(portuguese);
  await list.getByRole("link", { name: portuguese }).click();
  await expect(page).toHaveURL(new RegExp(`/pt-br/c/chapeus-de-chuva-${tag}$`));
});
