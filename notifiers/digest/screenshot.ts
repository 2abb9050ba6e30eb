/**
 * A picture of a rendered digest, drawn by the system's Chromium (playwright-core ships no
 * browser and cannot download one here): kept next to the demo digest so a reviewer sees what a
 * mail client shows, and used by the render test.
 */
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

/** A mail client's reading pane: the digest is laid out for 680 px plus margins. */
export const VIEWPORT = { width: 760, height: 900 };

export const INSTALL_HINT = 'Chromium is not installed (apt-get install chromium)';

/** The installed Chromium, or null when there is none. */
export function chromiumPath(): string | null {
  try {
    const found = execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' });
    return found.trim().split('\n')[0] || null;
  } catch {
    return null;
  }
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(INSTALL_HINT);
  return chromium.launch({ executablePath, args: ARGS });
}

/** Renders `htmlFile` with every other address cut off, as a mail client that blocks remote content, and saves the whole page. */
export async function screenshot(htmlFile: string, pngFile: string): Promise<void> {
  const url = pathToFileURL(htmlFile).href;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
    await page.goto(url, { waitUntil: 'load' });
    await page.screenshot({ path: pngFile, fullPage: true });
  } finally {
    await browser.close();
  }
}

/** For callers that must not fail over a picture: takes it when it can, else says why and how to get it. */
export async function screenshotIfPossible(htmlFile: string, pngFile: string): Promise<{ taken: true } | { taken: false; reason: string }> {
  if (!chromiumPath()) return { taken: false, reason: INSTALL_HINT };
  try {
    await screenshot(htmlFile, pngFile);
    return { taken: true };
  } catch (err) {
    return { taken: false, reason: `${(err as Error).message.split('\n')[0]} (Chromium: apt-get install chromium)` };
  }
}
