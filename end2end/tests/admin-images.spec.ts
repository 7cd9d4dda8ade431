// Product pictures in the back office: the demo admin uploads a small PNG through the
// plain multipart form, sees it in the product's picture list, describes it, and a
// shopper finds it on the product page offered in several widths (srcset).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "./fixtures";
import { png } from "./pictures";
import { signIn } from "./shoppers";

/** One line of SQL against the test shop's private PostgreSQL (its unix socket). */
function sql(query: string): string {
  const socket = join(process.env.E2E_DATA_DIR!, "postgres");
  return execFileSync("psql", [`postgresql://vitrine@localhost/vitrine?host=${socket}`, "-tAc", query], {
    encoding: "utf8",
  }).trim();
}

test("an admin uploads a picture and the product page offers it in several widths", async ({ page }, info) => {
  // Each run (no-js, hydrated) works on a product of its own.
  const offset = info.project.name === "no-js" ? 3 : 4;
  const [product, slug] = sql(
    `SELECT p.id || '|' || t.slug FROM products p JOIN product_translations t
     ON t.product_id = p.id AND t.locale = 'en' WHERE p.status = 'active'
     ORDER BY p.created_at, p.id OFFSET ${offset} LIMIT 1`,
  ).split("|");

  const password = readFileSync(join(process.env.E2E_DATA_DIR!, "demo-admin.txt"), "utf8").trim();
  await signIn(page, "admin@vitrine.example", password);
  await expect(page).toHaveURL(/\/en\/account$/);

  await page.goto(`/en/admin/products/${product}/images`);
  const before = await page.getByTestId("admin-image").count();
  // A text file named like a photo is refused, with the reason beside the field.
  await page.locator("input[name=file]").setInputFiles({
    name: "holiday.jpg",
    mimeType: "image/jpeg",
    buffer: Buffer.from("not a picture at all"),
  });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByTestId("error-file")).toContainText("not a JPEG, PNG or WebP");
  await expect(page.getByTestId("admin-image")).toHaveCount(before);

  await page.locator("input[name=file]").setInputFiles({ name: "lamp.png", mimeType: "image/png", buffer: png(800, 500) });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByTestId("notice")).toBeVisible();
  await expect(page.getByTestId("admin-image")).toHaveCount(before + 1);
  const added = page.getByTestId("admin-image").last();
  const thumbnail = await added.locator("img").getAttribute("src");
  const key = /\/media\/([0-9a-f-]{36})\/320\.webp/.exec(thumbnail ?? "")?.[1];
  expect(key, `thumbnail ${thumbnail}`).toBeTruthy();

  // Alt text in English, saved with the plain form.
  await added.getByLabel("Description (English)").fill("A gradient lamp");
  await added.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("notice")).toBeVisible();

  // The shopper's product page: every width in srcset, the alt text in English.
  await page.goto(`/en/p/${slug}`);
  const picture = page.locator(`[data-testid=gallery] img[srcset*="/media/${key}/"]`);
  await expect(picture).toHaveCount(1);
  await expect(picture).toHaveAttribute(
    "srcset",
    `/media/${key}/320.webp 320w, /media/${key}/640.webp 640w, /media/${key}/800.webp 800w`,
  );
  await expect(picture).toHaveAttribute("alt", "A gradient lamp");
  await expect(picture).toHaveAttribute("sizes", /vw/);
  const served = await page.request.get(`/media/${key}/640.webp`);
  expect(served.status()).toBe(200);
  expect(served.headers()["content-type"]).toBe("image/webp");
});
