// A `test` whose pages fail on any console error in the hydrated run: a CSP violation,
// a hydration mismatch or a panic in the wasm all show up there.
import { expect, test as base } from "@playwright/test";

export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: async ({ page }, use, testInfo) => {
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    await use(errors);
    if (testInfo.project.name === "hydrated") {
      expect(errors, "console errors").toEqual([]);
    }
  },
  // Every test watches the console, whether or not it names the fixture.
  page: async ({ page, consoleErrors: _ }, use) => {
    await use(page);
  },
});

export { expect };
