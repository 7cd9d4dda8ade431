// A `test` whose pages fail on any console error in the hydrated run: a CSP violation,
// a hydration mismatch or a panic in the wasm all show up there.
import { expect, test as base } from "@playwright/test";

export const test = base.extend({
  page: async ({ page }, use, testInfo) => {
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      // Chromium reports a page served with status 404 as a failed load of that page; a
      // test that opens a 404 page on purpose expects that. A missing asset still fails.
      const isTheDocument = message.location().url === page.url();
      if (isTheDocument && message.text().startsWith("Failed to load resource")) return;
      errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    await use(page);
    if (testInfo.project.name === "hydrated") {
      expect(errors, "console errors in the browser").toEqual([]);
    }
  },
});

export { expect };
