/**
 * The digest as a mail client's HTML engine shows it: headless Chromium renders the HTML part,
 * and the test checks what a reader sees. A screenshot is kept in out/ for review.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDigest } from '../notifiers/digest/build.ts';
import { renderDigest, type RenderedDigest } from '../notifiers/digest/render.ts';
import { launchChromium, screenshot, VIEWPORT } from '../notifiers/digest/screenshot.ts';
import { buildOptions, HOSTILE_TITLE, HOUR, seedDigestDb, UNTIL } from './fixtures/digest-seed.ts';

const outDir = join(import.meta.dirname, '..', 'out');
let browser: Browser;
const digests = new Map<'en' | 'fr', RenderedDigest>();

beforeAll(async () => {
  const { db, emergingIds } = seedDigestDb();
  const data = buildDigest(
    db,
    buildOptions({ emerging: [{ label: { en: 'Lockdown talk', fr: 'Rumeur de confinement' }, count: 2, baseline: 0.2, startedAt: UNTIL - 5 * HOUR, items: emergingIds }] }),
  );
  db.$client.close();
  digests.set('en', renderDigest(data, 'en', { team: 'Communications' }));
  digests.set('fr', renderDigest(data, 'fr', { team: 'Communications' }));
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

/** Loads a digest with the network cut off, returning the addresses the page tried to fetch. */
async function open(lang: 'en' | 'fr'): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  const requests: string[] = [];
  await page.route('**/*', (route) => {
    requests.push(route.request().url());
    return route.abort();
  });
  await page.setContent(digests.get(lang)!.html, { waitUntil: 'load' });
  return { page, requests };
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

describe('digest in a browser', () => {
  it('shows every section, the charts and the items', async () => {
    const { page, requests } = await open('en');
    for (const id of ['blind-spots', 'dead-alerts', 'flagged', 'claims', 'emerging', 'topics', 'sources', 'footer']) {
      await expect(page.locator(`#${id}`).isVisible(), id).resolves.toBe(true);
    }
    await expect(page.locator('#blind-spots').innerText()).resolves.toContain('x-search (x):');
    await expect(page.locator('#flagged').innerText()).resolves.toContain('Lockdown announced downtown?');
    await expect(page.locator('#topics h3').allInnerTexts()).resolves.toEqual(['Police budget: 3', 'Street checks: 2']);
    await expect(page.locator('#dead-alerts').innerText()).resolves.toContain('(claim:c-lockdown):');
    // The budget story is one entry with its size; the social item carries its engagement.
    const budgetItems = page.locator('#topics .topic').first().locator('.item');
    await expect(budgetItems.count()).resolves.toBe(2);
    await expect(budgetItems.first().locator('.story').innerText()).resolves.toBe('3 posts in 2 sources');
    await expect(page.locator('#topics .topic').nth(1).locator('.item').first().innerText()).resolves.toContain('12 reposts, 3 replies, 40 likes');
    expect(requests).toEqual([]);
    await page.close();
  });

  it('keeps a full-page screenshot of the digest as a mail client shows it', async () => {
    mkdirSync(outDir, { recursive: true });
    const html = join(outDir, 'digest-test.html');
    const png = join(outDir, 'digest-test.png');
    writeFileSync(html, digests.get('en')!.html);
    await screenshot(html, png);
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    // IHDR: the reading pane's width, and taller than one screen since the whole digest is in it.
    expect(bytes.readUInt32BE(16)).toBe(VIEWPORT.width);
    expect(bytes.readUInt32BE(20)).toBeGreaterThan(VIEWPORT.height);
  });

  it('draws each 7-day chart as bars whose heights follow the counts', async () => {
    const { page } = await open('en');
    const chart = page.locator('#topics .topic').first().locator('.chart');
    await expect(chart.isVisible()).resolves.toBe(true);
    const heights = await chart.locator('td.bar').evaluateAll((cells) => cells.map((c) => Math.round(c.getBoundingClientRect().height)));
    // Police budget, oldest day first: 2 0 4 1 3 2 3; the tallest bar is 40 px, an empty day a 1 px line.
    expect(heights).toEqual([20, 1, 40, 10, 30, 20, 30]);
    await page.close();
  });

  it('shows hostile post text as text, and runs nothing from it', async () => {
    const { page } = await open('en');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    const flagged = await page.locator('#flagged').innerText();
    expect(flagged).toContain(HOSTILE_TITLE.replace(/\s*\r\n/, ' '));
    const hrefs = await page.locator('a').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).protocol));
    expect(new Set(hrefs)).toEqual(new Set(['https:']));
    await page.close();
  });

  for (const lang of ['en', 'fr'] as const) {
    it(`says in HTML everything the text part says (${lang})`, async () => {
      const { page } = await open(lang);
      const seen = squash(await page.locator('body').innerText());
      const digest = digests.get(lang)!;
      const lines = digest.text
        .split('\n')
        .map((l) => l.replace(/^\s*(==|\*|-)\s*/, '').replace(/\s*==$/, ''))
        // URLs are the links' targets, and the chart's figures are its bars and their labels.
        .filter((l) => l && l !== '-' && !/^https?:/.test(l.trim()) && !/^(Last 7 days|7 derniers jours)/.test(l.trim()));
      const missing = lines.filter((l) => !seen.includes(squash(l)));
      expect(missing).toEqual([]);
      await page.close();
    });
  }
});
