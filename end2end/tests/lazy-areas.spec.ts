// The account, shop and back-office areas load their code only when one of their pages
// opens. A link followed while that code is still on its way must open the next page,
// not make the browser hydrate the first page as the next one (which panics the app).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "./fixtures";
import { signIn } from "./shoppers";

test("a link followed before the back office's code arrives opens the next page", async ({ page }, info) => {
  test.skip(info.project.name === "no-js", "only a hydrating browser loads the area's code");
  const password = readFileSync(join(process.env.E2E_DATA_DIR!, "demo-admin.txt"), "utf8").trim();
  await signIn(page, "admin@vitrine.example", password);
  await expect(page).toHaveURL(/\/en\/account$/);

  // Hold the back office's code until the link has been followed.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let asked!: () => void;
  const requested = new Promise<void>((resolve) => (asked = resolve));
  await page.route(/split___admin_area_view_.*\.wasm$/, async (route) => {
    asked();
    await held;
    await route.continue();
  });

  await page.goto("/en/admin/products", { waitUntil: "commit" });
  // The page is hydrating (it asked for the area's code): follow a link now.
  await requested;
  await page.getByTestId("new-product").click();
  release();

  await expect(page).toHaveURL(/\/en\/admin\/products\/new$/);
  await expect(page.getByTestId("missing")).toHaveCount(4);
  await expect(page.getByTestId("name-en")).toBeEditable();
});
