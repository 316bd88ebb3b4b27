/**
 * The clerk's whole day in a real browser, by keyboard: first-run setup →
 * sign-in → open the till with a float → sell two postal fees → cash with
 * change → receipt → reprint (COPY) → close the till 10 RSD short with a
 * reason → verify passes and reports that difference with its reason. Once in
 * Serbian Cyrillic (the default) and once in English, switched in the UI.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import net from 'node:net';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { verifyStore } from '../../services/verify.js';
import { ROOT, browserMissing, buildRenderer, countIds, fillByEnter, launchBrowser, newPage, shot, startCounter, tmpDir, type Counter } from './helpers.js';

const skip = browserMissing();

interface Words {
  setupTitle: string;
  signInTitle: string;
  openTillTitle: string;
  counterTitle: string;
  paymentTitle: string;
  copy: string;
  tillClosedTitle: string;
  verifyOk: string;
  shortBy: string;
  reason: string;
  supervisor: string;
}

const WORDS: Record<'sr-Cyrl' | 'en', Words> = {
  'sr-Cyrl': {
    setupTitle: 'Прво подешавање',
    signInTitle: 'Пријава',
    openTillTitle: 'Отварање касе',
    counterTitle: 'Шалтер',
    paymentTitle: 'Наплата',
    copy: 'КОПИЈА',
    tillClosedTitle: 'Каса је затворена',
    verifyOk: 'Књиге су исправне',
    shortBy: 'Мањак 10,00 RSD.',
    reason: 'Кусур грешком дат странци',
    supervisor: 'Ана Петровић',
  },
  en: {
    setupTitle: 'First-run setup',
    signInTitle: 'Sign in',
    openTillTitle: 'Open the till',
    counterTitle: 'Counter',
    paymentTitle: 'Payment',
    copy: 'COPY',
    tillClosedTitle: 'Till closed',
    verifyOk: 'The books verify',
    shortBy: 'Short by 10,00 RSD.',
    reason: 'Change given twice by mistake',
    supervisor: 'Ana Petrovic',
  },
};

describe.skipIf(skip)('the clerk path in Chromium', () => {
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;

  beforeAll(async () => {
    await buildRenderer();
    browser = await launchBrowser();
    context = browser.context;
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function title(page: Page): Promise<string> {
    return (await page.getByTestId('screen-title').textContent()) ?? '';
  }

  async function walk(locale: 'sr-Cyrl' | 'en') {
    const w = WORDS[locale];
    const counter: Counter = await startCounter();
    const { page, problems } = await newPage(context, counter.origin);
    let step = 0;
    const snap = (name: string) => shot(page, `${locale}-${String(++step).padStart(2, '0')}-${name}`);
    try {
      await page.goto(counter.appUrl);
      await page.getByTestId('screen-setup').waitFor();
      // The launch token left the visible address once it was read.
      expect(page.url()).not.toContain('token=');
      if (locale === 'en') {
        expect(await title(page)).toBe(WORDS['sr-Cyrl'].setupTitle);
        await page.keyboard.press('Control+KeyL');
        await page.keyboard.press('Control+KeyL');
        await expect.poll(() => title(page)).toBe(w.setupTitle);
        expect(await page.locator('html').getAttribute('lang')).toBe('en');
      } else {
        expect(await title(page)).toBe(w.setupTitle);
        expect(await page.getByTestId('shortcuts').textContent()).toContain('Језик');
      }
      await snap('setup');

      // First-run setup, field after field with Enter.
      await fillByEnter(page, ['setup-branchCode', 'setup-counterNo', 'setup-personalNo', 'setup-name', 'setup-pin', 'setup-pin2'], {
        'setup-branchCode': '11000',
        'setup-counterNo': '3',
        'setup-personalNo': '1001',
        'setup-name': w.supervisor,
        'setup-pin': '2468',
        'setup-pin2': '2468',
      });
      await page.getByTestId('screen-signIn').waitFor();
      expect(await title(page)).toBe(w.signInTitle);
      await expect.poll(() => page.getByTestId('header-counter').textContent()).toContain('11000');
      await snap('sign-in');

      await fillByEnter(page, ['signin-personalNo', 'signin-pin'], { 'signin-personalNo': '1001', 'signin-pin': '2468' });
      await page.getByTestId('screen-openTill').waitFor();
      expect(await title(page)).toBe(w.openTillTitle);

      // Float: 5 × 1.000 + 10 × 100 = 6.000,00 RSD, counted by denomination.
      const open = countIds('open');
      await page.getByTestId(open[0]!).waitFor();
      const float = { 'open-note-100000': '5', 'open-note-10000': '10' };
      for (const id of open.slice(0, -1)) {
        if (float[id as keyof typeof float]) await page.keyboard.type(float[id as keyof typeof float]);
        await page.keyboard.press('Enter');
      }
      await expect.poll(() => page.getByTestId('open-total').textContent()).toBe('6.000,00 RSD');
      await snap('open-till');
      await page.keyboard.press('Enter');
      await page.getByTestId('screen-counter').waitFor();
      expect(await title(page)).toBe(w.counterTitle);
      await expect.poll(() => page.getByTestId('till-expected').textContent()).toBe('6.000,00 RSD');

      // Two postal fees: a certified copy (found by its Latin spelling) and two forms (by code).
      await page.keyboard.press('F2');
      await page.getByTestId('fee-search').waitFor();
      await page.keyboard.type('overeni');
      await expect.poll(() => page.getByTestId('fee-list').locator('[role=option]').count()).toBe(1);
      await snap('postal-fee-panel');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Enter');
      await page.getByTestId('basket-line-0').waitFor();
      await page.keyboard.press('F2');
      await page.getByTestId('fee-search').waitFor();
      await page.keyboard.type('FORM');
      await page.keyboard.press('Enter');
      await page.keyboard.type('2');
      await page.keyboard.press('Enter');
      await page.getByTestId('basket-line-1').waitFor();
      await expect.poll(() => page.getByTestId('basket-total').textContent()).toBe('310,00 RSD');
      expect(await page.getByTestId('basket-line-0').textContent()).toContain(locale === 'en' ? 'Certified copy' : 'Оверени препис');
      await snap('basket');

      // Cash tender with change.
      await page.keyboard.press('F12');
      await page.getByTestId('screen-payment').waitFor();
      expect(await title(page)).toBe(w.paymentTitle);
      await page.keyboard.type('500');
      await expect.poll(() => page.getByTestId('payment-change').textContent()).toBe('190,00 RSD');
      await snap('payment');
      await page.keyboard.press('Enter');
      await page.getByTestId('screen-receipt').waitFor();
      await expect.poll(() => page.getByTestId('receipt-change').textContent()).toBe('190,00 RSD');
      const frame = page.frameLocator('[data-testid=receipt-frame]');
      await expect.poll(() => frame.locator('.number').textContent()).toMatch(/^11000-03-\d{8}-0001$/);
      expect(await frame.locator('.total-amount').textContent()).toBe('310,00');
      expect(await frame.locator('.copy').count()).toBe(0);
      await snap('receipt');

      // Reprint: the copy is marked, on the screen and on the paper.
      await page.keyboard.press('Control+Shift+KeyP');
      await page.getByTestId('receipt-copy').waitFor();
      expect(await page.getByTestId('receipt-copy').textContent()).toBe(w.copy);
      await expect.poll(() => frame.locator('.copy').textContent()).toContain('COPY');
      await snap('reprint');
      const receipts = await counter.api<{ total: number }>('receipts.list', {}, (await page.evaluate('JSON.parse(sessionStorage.getItem("postdesk.session") || "{}").state?.token ?? null')) as string | null);
      expect(receipts.ok && receipts.value.total).toBe(1);

      // Next customer, then close the till 10 RSD short.
      await page.waitForTimeout(750);
      await page.keyboard.press('Escape');
      await page.getByTestId('screen-counter').waitFor();
      await expect.poll(() => page.getByTestId('till-expected').textContent()).toBe('6.310,00 RSD');
      await page.keyboard.press('F8');
      await page.getByTestId('screen-closeTill').waitFor();
      await expect.poll(() => page.getByTestId('close-expected').textContent()).toBe('6.310,00 RSD');
      const closing = { 'close-note-100000': '6', 'close-note-10000': '3' };
      for (const id of countIds('close')) {
        if (closing[id as keyof typeof closing]) await page.keyboard.type(closing[id as keyof typeof closing]);
        await page.keyboard.press('Enter');
      }
      await expect.poll(() => page.getByTestId('close-difference').textContent()).toBe('-10,00 RSD');
      // Enter on the empty reason: refused, the field says why.
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('close-reason').getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByTestId('close-reason-error').isVisible()).toBe(true);
      await snap('close-till-reason-required');
      await page.keyboard.type(w.reason);
      await snap('close-till');
      await page.keyboard.press('Enter');
      await page.getByTestId('screen-tillClosed').waitFor();
      expect(await title(page)).toBe(w.tillClosedTitle);
      expect(await page.getByTestId('closed-difference').textContent()).toBe('-10,00 RSD');
      expect(await page.getByTestId('closed-reason').textContent()).toBe(w.reason);
      expect(await page.getByTestId('closed-verdict').textContent()).toBe(w.shortBy);
      await snap('till-closed');

      // The supervisor's verify, on screen…
      await page.keyboard.press('Shift+F9');
      await page.getByTestId('verify-verdict').waitFor();
      expect(await page.getByTestId('verify-verdict').getAttribute('data-ok')).toBe('true');
      expect(await page.getByTestId('verify-verdict').textContent()).toContain(w.verifyOk);
      expect(await page.getByTestId('verify-discrepancies').textContent()).toContain(w.reason);
      await snap('verify');

      // …and the same check on the store itself.
      const report = verifyStore(counter.mode.store);
      expect(report.faults).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.counts.receipts).toBe(1);
      expect(report.discrepancies).toHaveLength(1);
      expect(report.discrepancies[0]).toMatchObject({ expectedPara: 631_000, countedPara: 630_000, differencePara: -1000, reason: w.reason });

      // …and the operator's command, beside the running app.
      const cli = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'postdesk.js'), 'verify', '--data', counter.dataDir], { encoding: 'utf8', cwd: ROOT });
      expect(cli.status, cli.stderr).toBe(0);
      const cliReport = JSON.parse(cli.stdout) as { ok: boolean; discrepancies: { differencePara: number; reason: string }[] };
      expect(cliReport.ok).toBe(true);
      expect(cliReport.discrepancies).toEqual([expect.objectContaining({ differencePara: -1000, reason: w.reason })]);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      await counter.stop();
    }
  }

  it('walks setup to verified close by keyboard in Serbian Cyrillic', async () => {
    await walk('sr-Cyrl');
  });

  it('walks the same path in English after switching the language in the UI', async () => {
    await walk('en');
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

describe('npm run start:web', () => {
  beforeAll(async () => {
    await buildRenderer();
  });

  it('prints the URL with the launch token and serves the renderer and the API', async () => {
    const port = await freePort();
    const data = tmpDir('start-web');
    const child = spawn('npm', ['run', 'start:web', '--', '--port', String(port), '--data', data], {
      cwd: ROOT,
      env: { ...process.env, POSTDESK_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL within 30 s:\n${out}`)), 30_000);
        const look = () => {
          const m = /PostDesk browser mode: (http:\/\/127\.0\.0\.1:(\d+)\/#token=([\w-]+))/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        };
        child.stdout.on('data', look);
        child.once('exit', (code) => reject(new Error(`start:web exited with ${code}:\n${out}`)));
      });
      expect(url.startsWith(`http://127.0.0.1:${port}/#token=`)).toBe(true);
      const token = url.split('#token=')[1]!;
      const index = await fetch(`http://127.0.0.1:${port}/`);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
      const html = await index.text();
      expect(html).toContain('<div id="root"></div>');
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(asset).toBeTruthy();
      expect((await fetch(`http://127.0.0.1:${port}/${asset}`)).status).toBe(200);
      const info = await fetch(`http://127.0.0.1:${port}/api/system.info`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}' });
      expect(((await info.json()) as { ok: boolean; value: { setUp: boolean } }).value.setUp).toBe(false);
      expect(fs.existsSync(data)).toBe(true);
    } finally {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      fs.rmSync(data, { recursive: true, force: true });
    }
  });
});
