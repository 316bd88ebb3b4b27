/**
 * The counter screens' promises, one by one, in Chromium: the language
 * switches live, errors arrive as translated sentences, Enter hammered on a
 * slow payment makes one receipt, a lost answer is retried under the same
 * operation id, the lock screen, remittances, and a day of 10,000 receipts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { browserMissing, buildRenderer, countIds, fillByEnter, launchBrowser, newPage, shot, startCounter, type Counter } from './helpers.js';

const skip = browserMissing();

const SUPERVISOR = { personalNo: '1001', name: 'Ана Петровић', pin: '2468' };
const CLERK = { personalNo: '2002', name: 'Марко Јовић', pin: '1357' };

describe.skipIf(skip)('counter screens in Chromium', () => {
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;
  let counter: Counter | null = null;
  let page: Page | null = null;
  let problems: string[] = [];

  beforeAll(async () => {
    await buildRenderer();
    browser = await launchBrowser();
    context = browser.context;
  });

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    await page?.close();
    await counter?.stop();
    page = null;
    counter = null;
  });

  /** A counter set up through the API, with a supervisor and a clerk; a fresh tab on it. */
  async function arrange(): Promise<{ counter: Counter; page: Page }> {
    counter = await startCounter();
    const setup = await counter.api('setup.init', { branchCode: '21000', counterNo: 2, supervisor: SUPERVISOR });
    expect(setup.ok).toBe(true);
    const sup = await counter.api<{ sessionToken: string }>('auth.signIn', { personalNo: SUPERVISOR.personalNo, pin: SUPERVISOR.pin });
    if (!sup.ok) throw new Error(sup.error.message);
    const created = await counter.api('clerks.create', { ...CLERK, role: 'clerk' }, sup.value.sessionToken);
    expect(created.ok).toBe(true);
    const opened = await newPage(context, counter.origin);
    page = opened.page;
    problems = opened.problems;
    await page.goto(counter.appUrl);
    await page.getByTestId('screen-signIn').waitFor();
    return { counter, page };
  }

  const title = async (p: Page) => (await p.getByTestId('screen-title').textContent()) ?? '';
  const sessionToken = (p: Page) => p.evaluate('JSON.parse(sessionStorage.getItem("postdesk.session") || "{}").state?.token ?? null') as Promise<string | null>;

  async function signIn(p: Page, who = CLERK) {
    await fillByEnter(p, ['signin-personalNo', 'signin-pin'], { 'signin-personalNo': who.personalNo, 'signin-pin': who.pin });
  }

  /** Opens the till with 5 × 1.000 RSD, by keyboard. */
  async function openTill(p: Page) {
    await p.getByTestId('screen-openTill').waitFor();
    await fillByEnter(p, countIds('open'), { 'open-note-100000': '5' });
    await p.getByTestId('screen-counter').waitFor();
  }

  async function addFee(p: Page, search: string, quantity?: string) {
    await p.keyboard.press('F2');
    await p.getByTestId('fee-search').waitFor();
    await p.keyboard.type(search);
    await p.keyboard.press('Enter');
    if (quantity) await p.keyboard.type(quantity);
    await p.keyboard.press('Enter');
    await p.getByTestId('panel-postal_fee').waitFor({ state: 'detached' });
  }

  it('says how to open PostDesk when the window has no launch token', async () => {
    counter = await startCounter();
    const opened = await newPage(context, counter.origin);
    page = opened.page;
    await page.goto(`${counter.origin}/`);
    await page.getByTestId('screen-fatal').waitFor();
    expect(await page.getByRole('alert').getAttribute('data-code')).toBe('TOKEN_REQUIRED');
    expect(await page.getByRole('alert').textContent()).toContain('Отворите PostDesk са адресе');
    expect(opened.problems).toEqual([]);
  });

  it('switches every string live between Cyrillic, Latin and English, basket lines included', async () => {
    const { page: p } = await arrange();
    expect(await title(p)).toBe('Пријава');
    await p.keyboard.type('20');
    await p.keyboard.press('Control+KeyL');
    await expect.poll(() => title(p)).toBe('Prijava');
    expect(await p.locator('label[for=signin-personalNo]').textContent()).toBe('Lični broj');
    expect(await p.locator('html').getAttribute('lang')).toBe('sr-Latn');
    // What the clerk had typed stays.
    expect(await p.getByTestId('signin-personalNo').inputValue()).toBe('20');
    await p.keyboard.press('Control+KeyL');
    await expect.poll(() => title(p)).toBe('Sign in');
    expect(await p.getByTestId('shortcuts').textContent()).toContain('Language');
    await p.getByTestId('locale-sr-Cyrl').click();
    await expect.poll(() => title(p)).toBe('Пријава');
    await p.getByTestId('signin-personalNo').fill('');
    await p.getByTestId('signin-personalNo').focus();

    await signIn(p);
    await openTill(p);
    await addFee(p, 'CERT');
    const line = p.getByTestId('basket-line-0');
    await expect.poll(() => line.textContent()).toContain('Оверени препис');
    await p.keyboard.press('Control+KeyL');
    await expect.poll(() => line.textContent()).toContain('Overeni prepis');
    expect(await title(p)).toBe('Šalter');
    await p.keyboard.press('Control+KeyL');
    await expect.poll(() => line.textContent()).toContain('Certified copy');
    expect(await title(p)).toBe('Counter');
    await shot(p, 'ui-locale-english-basket');
    // A reload keeps the language, the session and the basket.
    await p.reload();
    await p.getByTestId('screen-counter').waitFor();
    await expect.poll(() => p.getByTestId('basket-line-0').textContent()).toContain('Certified copy');
    expect(await p.getByTestId('basket-total').textContent()).toBe('250,00 RSD');
    expect(problems).toEqual([]);
  });

  it('shows a wrong PIN as a translated sentence, on sign-in and on the lock screen', async () => {
    const { counter: c, page: p } = await arrange();
    // A PIN that breaks the rule is caught at the field, in words.
    await fillByEnter(p, ['signin-personalNo', 'signin-pin'], { 'signin-personalNo': CLERK.personalNo, 'signin-pin': '12' });
    await expect.poll(() => p.getByTestId('signin-pin').getAttribute('aria-invalid')).toBe('true');
    expect(await p.getByTestId('signin-pin-error').textContent()).toBe('ПИН: од 4 до 8 цифара.');
    // A PIN of the right shape but wrong: the server's BAD_CREDENTIALS, translated.
    await p.getByTestId('signin-pin').fill('9999');
    await p.keyboard.press('Enter');
    const alert = p.getByRole('alert');
    await expect.poll(() => alert.textContent()).toBe('Лични број или ПИН није исправан.');
    expect(await alert.getAttribute('data-code')).toBe('BAD_CREDENTIALS');
    expect(await p.getByTestId('signin-pin').inputValue()).toBe('');
    expect(await p.evaluate('document.activeElement?.id')).toBe('signin-pin');
    await shot(p, 'ui-wrong-pin-sr-Cyrl');
    await p.keyboard.press('Control+KeyL');
    await p.keyboard.press('Control+KeyL');
    await expect.poll(() => alert.textContent()).toBe('The personal number or the PIN is wrong.');
    await shot(p, 'ui-wrong-pin-en');
    await p.getByTestId('locale-sr-Cyrl').click();

    await p.keyboard.type(CLERK.pin);
    await p.keyboard.press('Enter');
    await p.getByTestId('screen-openTill').waitFor();

    // Ctrl+K locks; a wrong PIN is refused in words; the right one returns to the covered step.
    await p.keyboard.press('Control+KeyK');
    await p.getByTestId('screen-lock').waitFor();
    await p.keyboard.type('1111');
    await p.keyboard.press('Enter');
    await expect.poll(() => p.getByRole('alert').textContent()).toBe('Лични број или ПИН није исправан.');
    await shot(p, 'ui-lock-wrong-pin');
    await p.keyboard.type(CLERK.pin);
    await p.keyboard.press('Enter');
    await p.getByTestId('screen-openTill').waitFor();

    // A session the server locked (here: another window asked) shows the lock screen at the next call.
    const token = await sessionToken(p);
    expect((await c.api('auth.lock', {}, token)).ok).toBe(true);
    await p.getByTestId('open-note-500000').focus();
    await p.keyboard.type('1');
    await fillByEnter(p, countIds('open'), {});
    await p.getByTestId('screen-lock').waitFor();
    await p.keyboard.type(CLERK.pin);
    await p.keyboard.press('Enter');
    await p.getByTestId('screen-openTill').waitFor();
    expect(problems).toEqual([]);
  });

  it('makes exactly one receipt when Enter is pressed five times on a slow payment', async () => {
    const { counter: c, page: p } = await arrange();
    await signIn(p);
    await openTill(p);
    await addFee(p, 'FORM', '3');
    await addFee(p, 'PHOTO', '2');
    await addFee(p, 'CERT');
    await expect.poll(() => p.getByTestId('basket-total').textContent()).toBe('370,00 RSD');
    // Delete removes the focused line: the photocopies go.
    await p.getByTestId('basket-line-2').waitFor();
    await p.keyboard.press('ArrowUp');
    expect(await p.evaluate('document.activeElement?.dataset.testid')).toBe('basket-line-1');
    await p.keyboard.press('Delete');
    await expect.poll(() => p.getByTestId('basket-total').textContent()).toBe('340,00 RSD');
    expect(await p.locator('[data-testid^=basket-line-]').count()).toBe(2);

    const bodies: { operationId: string }[] = [];
    await p.route('**/api/counter.checkout', async (route) => {
      bodies.push(route.request().postDataJSON() as { operationId: string });
      await new Promise((r) => setTimeout(r, 800)); // a slow disk, a busy counter
      await route.continue();
    });
    await p.keyboard.press('F12');
    await p.getByTestId('screen-payment').waitFor();
    await p.keyboard.type('1000');
    await expect.poll(() => p.getByTestId('payment-change').textContent()).toBe('660,00 RSD');
    for (let i = 0; i < 5; i++) await p.keyboard.press('Enter');
    await shot(p, 'ui-enter-five-times');
    await p.getByTestId('screen-receipt').waitFor();
    await expect.poll(() => p.getByTestId('receipt-change').textContent()).toBe('660,00 RSD');
    // The stray presses did not skip the receipt.
    await p.waitForTimeout(300);
    expect(await p.getByTestId('screen-receipt').count()).toBe(1);

    const list = await c.api<{ total: number }>('receipts.list', {}, await sessionToken(p));
    expect(list.ok && list.value.total).toBe(1);
    expect(bodies).toHaveLength(1);
    expect(new Set(bodies.map((b) => b.operationId)).size).toBe(1);
    expect(problems).toEqual([]);
  });

  it('retries a checkout whose answer was lost under the same operation id, and still makes one receipt', async () => {
    const { counter: c, page: p } = await arrange();
    await signIn(p);
    await openTill(p);
    await addFee(p, 'CERT');
    const ids: string[] = [];
    let lost = false;
    await p.route('**/api/counter.checkout', async (route) => {
      ids.push((route.request().postDataJSON() as { operationId: string }).operationId);
      if (!lost) {
        // The server commits, the answer never reaches the screen.
        lost = true;
        await route.fetch();
        await route.abort('connectionreset');
        return;
      }
      await route.continue();
    });
    await p.keyboard.press('F12');
    await p.getByTestId('screen-payment').waitFor();
    await p.keyboard.press('F4'); // exact amount
    await p.getByTestId('tender-cash').waitFor();
    await p.keyboard.press('Enter');
    await p.getByTestId('payment-info').waitFor();
    expect(await p.getByTestId('error').getAttribute('data-code')).toBe('NETWORK');
    // The sale may be in the books: the tender is held as sent until the retry is answered.
    await p.keyboard.type('9');
    expect(await p.getByTestId('payment-given').inputValue()).toBe('250,00');
    await shot(p, 'ui-lost-answer');
    // The frozen screen is reloaded: basket, operation id and the unanswered tender survive in the tab.
    await p.reload();
    await p.getByTestId('screen-payment').waitFor();
    await expect.poll(() => p.getByTestId('payment-total').textContent()).toBe('250,00 RSD');
    expect(await p.getByTestId('payment-given').inputValue()).toBe('250,00');
    expect(await p.getByTestId('payment-info').isVisible()).toBe(true);
    await p.keyboard.press('Enter');
    await p.getByTestId('screen-receipt').waitFor();
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
    const list = await c.api<{ total: number; rows: { number: string }[] }>('receipts.list', {}, await sessionToken(p));
    expect(list.ok && list.value.total).toBe(1);
    expect(problems.filter((x) => !x.includes('ERR_CONNECTION_RESET'))).toEqual([]);
  });

  it('keeps a tariff chosen by keyboard before the tariff list has arrived', async () => {
    const { page: p } = await arrange();
    await signIn(p);
    await openTill(p);
    // A slow disk: the list comes after the clerk has typed the code and pressed Enter twice.
    await p.route('**/api/catalog.tariffs', async (route) => {
      await new Promise((r) => setTimeout(r, 600));
      await route.continue();
    });
    await addFee(p, 'CERT');
    await expect.poll(() => p.getByTestId('basket-total').textContent()).toBe('250,00 RSD');
    expect(problems).toEqual([]);
  });

  it('tells the clerk when a tariff changed under the payment, and takes the new total on the next Enter', async () => {
    const { counter: c, page: p } = await arrange();
    await signIn(p);
    await openTill(p);
    await addFee(p, 'CERT');
    await p.keyboard.press('Enter');
    await p.getByTestId('screen-payment').waitFor();
    await p.keyboard.type('300');
    // Head office publishes a new price while the customer looks for change.
    c.mode.store.db
      .prepare("INSERT INTO tariffs (code, item_kind, name_sr, name_en, price_para, valid_from) VALUES ('CERT_COPY', 'postal_fee', 'Оверени препис', 'Certified copy', 26000, ?)")
      .run(new Date(Date.now() - 1000).toISOString());
    await p.keyboard.press('Enter');
    await expect.poll(() => p.getByTestId('payment-info').textContent()).toBe('Тарифа је промењена: укупно је сада 260,00 RSD. Обавестите странку и потврдите поново.');
    expect(await p.getByTestId('payment-total').textContent()).toBe('260,00 RSD');
    expect(await p.getByTestId('payment-change').textContent()).toBe('40,00 RSD');
    await shot(p, 'ui-price-changed');
    await p.keyboard.press('Enter');
    await p.getByTestId('screen-receipt').waitFor();
    expect(await p.getByTestId('receipt-total').textContent()).toBe('260,00 RSD');
    expect(problems).toEqual([]);
  });

  it('locks itself after the idle time, and signs out with F10', async () => {
    const { counter: c, page: p } = await arrange();
    // Below the 30 s a supervisor may set: written straight to the store, as a test fixture.
    c.mode.store.db.prepare("UPDATE settings SET value = '2' WHERE key = 'idle_lock_seconds'").run();
    await signIn(p);
    await p.getByTestId('screen-openTill').waitFor();
    await p.getByTestId('screen-lock').waitFor({ timeout: 6000 });
    expect(await p.getByTestId('screen-title').textContent()).toBe('Екран је закључан');
    await shot(p, 'ui-idle-lock');
    await p.keyboard.press('F10');
    await p.getByTestId('screen-signIn').waitFor();
    expect(await p.getByTestId('notice').textContent()).toBe('Одјавили сте се.');
    expect(await sessionToken(p)).toBeNull();
    expect(problems).toEqual([]);
  });

  it('records remittances in and out, and refuses taking out more than the till holds', async () => {
    const { page: p } = await arrange();
    await signIn(p);
    await openTill(p);
    await p.keyboard.press('F7');
    await p.getByTestId('screen-remittance').waitFor();
    await fillByEnter(p, ['remit-amount', 'remit-reference'], { 'remit-amount': '1.500,50', 'remit-reference': 'TR-17' });
    await p.getByTestId('screen-counter').waitFor();
    await expect.poll(() => p.getByTestId('notice').textContent()).toBe('Уписано: 1.500,50 RSD у касу.');
    await expect.poll(() => p.getByTestId('till-expected').textContent()).toBe('6.500,50 RSD');
    await p.keyboard.press('F7');
    await p.getByTestId('screen-remittance').waitFor();
    await p.keyboard.press('F3');
    await fillByEnter(p, ['remit-amount', 'remit-reference'], { 'remit-amount': '10000', 'remit-reference': 'TR-18' });
    await expect.poll(() => p.getByTestId('remit-amount').getAttribute('aria-invalid')).toBe('true');
    expect(await p.getByTestId('remit-amount-error').textContent()).toBe('У каси нема толико готовине.');
    await shot(p, 'ui-remittance-refused');
    await p.getByTestId('remit-amount').fill('500');
    await p.getByTestId('remit-amount').focus();
    await p.keyboard.press('Enter');
    await p.keyboard.press('Enter');
    await p.getByTestId('screen-counter').waitFor();
    await expect.poll(() => p.getByTestId('till-expected').textContent()).toBe('6.000,50 RSD');
    expect(problems).toEqual([]);
  });

  it('keeps a quantity typed ahead while the tariff list is still loading, and adds the line once it arrives', async () => {
    const { page: p } = await arrange();
    await signIn(p);
    await openTill(p);
    // A slow counter: the list takes a second to arrive; the clerk does not wait for it.
    await p.route('**/api/catalog.tariffs', async (route) => {
      await new Promise((r) => setTimeout(r, 1000));
      await route.continue();
    });
    await p.keyboard.press('F2');
    await p.getByTestId('fee-search').waitFor();
    await p.keyboard.type('FORM');
    await p.keyboard.press('Enter');
    await p.keyboard.type('3');
    await p.keyboard.press('Enter');
    await p.getByTestId('panel-postal_fee').waitFor({ state: 'detached' });
    await expect.poll(() => p.getByTestId('basket-total').textContent()).toBe('90,00 RSD');
    await p.unroute('**/api/catalog.tariffs');
  });

  it("keeps the day's list of 10,000 receipts light: only the rows in view exist", async () => {
    const { page: p } = await arrange();
    const TOTAL = 10_000;
    const pagesAsked: number[] = [];
    await p.route('**/api/receipts.list', async (route) => {
      const { offset = 0, limit = 100 } = route.request().postDataJSON() as { offset?: number; limit?: number };
      pagesAsked.push(offset);
      const rows = Array.from({ length: Math.max(0, Math.min(limit, TOTAL - offset)) }, (_, i) => {
        const seq = TOTAL - (offset + i);
        return { number: `21000-02-20260101-${String(seq).padStart(4, '0')}`, createdAt: new Date(Date.UTC(2026, 0, 1, 6) + seq * 3000).toISOString(), clerkName: CLERK.name, totalPara: seq * 100, lineCount: 1 + (seq % 3) };
      });
      await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ ok: true, value: { rows, total: TOTAL } }) });
    });
    await signIn(p);
    await openTill(p);
    await p.keyboard.press('F9');
    await p.getByTestId('screen-receipts').waitFor();
    await expect.poll(() => p.getByTestId('receipts-count').textContent()).toBe('Рачуна: 10000');
    await expect.poll(() => p.getByTestId('receipt-row').first().textContent()).toContain('21000-02-20260101-10000');
    const rendered = await p.getByTestId('receipt-row').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(60);
    const started = Date.now();
    await p.keyboard.press('End');
    await expect.poll(() => p.locator('[data-testid=receipt-row][data-index="9999"]').textContent()).toContain('21000-02-20260101-0001');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await p.getByTestId('receipt-row').count()).toBeLessThan(60);
    expect(await p.getByTestId('receipts-list').getAttribute('aria-activedescendant')).toBe('receipt-row-9999');
    await p.keyboard.press('PageUp');
    await p.keyboard.press('Home');
    await expect.poll(() => p.getByTestId('receipts-list').getAttribute('aria-activedescendant')).toBe('receipt-row-0');
    // Only the pages in view were fetched: the first and the last, not all fifty.
    expect(new Set(pagesAsked).size).toBeLessThanOrEqual(4);
    await shot(p, 'ui-receipts-10000');
    await p.keyboard.press('Escape');
    await p.getByTestId('screen-counter').waitFor();
    expect(problems).toEqual([]);
  });
});
