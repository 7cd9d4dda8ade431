// Browser tests in Debian's Chromium, run twice: once with JavaScript off (the
// server-rendered shop must work on its own) and once hydrated.
import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3400);
const baseURL = `http://127.0.0.1:${port}`;
const dataDir = process.env.E2E_DATA_DIR;
if (!dataDir) {
  throw new Error("E2E_DATA_DIR must name an empty folder for the test shop's database (make test sets it)");
}

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: true,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "no-js", use: { javaScriptEnabled: false } },
    { name: "hydrated", use: { javaScriptEnabled: true } },
  ],
  webServer: {
    command: "target/debug/vitrine",
    cwd: "..",
    url: `${baseURL}/readyz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
    env: {
      VITRINE_ADDR: `127.0.0.1:${port}`,
      VITRINE_DATA_DIR: dataDir,
      RUST_LOG: "warn",
    },
  },
});
