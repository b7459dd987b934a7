import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = process.env.WHARF_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve(__dirname, '../../../test-output/screenshots');

export type ChromiumStatus = { ok: true } | { ok: false; reason: string };

export function chromiumStatus(): ChromiumStatus {
  try {
    execFileSync(CHROMIUM, ['--version'], { stdio: 'pipe', timeout: 20000 });
    return { ok: true };
  } catch (err) {
    return {
      ok: false,
      reason: err instanceof Error ? (err.message.split('\n')[0] ?? '') : 'unknown',
    };
  }
}

/**
 * `describe` for the browser suite. Without Chromium it is reported as skipped with the reason,
 * except under WHARF_REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
 */
export function describeWithBrowser(name: string, body: () => void): void {
  const status = chromiumStatus();
  if (status.ok) {
    describe(name, body);
    return;
  }
  if (process.env.WHARF_REQUIRE_BROWSER === '1') {
    describe(name, () => {
      it('needs Chromium (WHARF_REQUIRE_BROWSER=1)', () => {
        throw new Error(`Chromium unavailable at ${CHROMIUM}: ${status.reason}`);
      });
    });
    return;
  }
  process.stderr.write(`skipping "${name}": Chromium unavailable (${status.reason})\n`);
  describe.skip(name, body);
}

/** The flags a sandboxed CI machine needs: no sandbox, no GPU, no calls home. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Every console error and uncaught page error, so the suite can fail on any of them. */
export function recordPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (err) => {
    errors.push(`page: ${err.message}`);
  });
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
