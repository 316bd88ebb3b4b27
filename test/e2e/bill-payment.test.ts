/**
 * Paying bills at the counter, in Chromium, by keyboard: a USB scanner's IPS
 * QR text typed into the scan field fills the slip; a second bill keyed by
 * hand; one cash payment for both; the receipt lists each bill with its fee
 * and the books verify; the A6 confirmation carries a fresh IPS QR. Refused
 * codes (a wrong account control digit, an empty S tag) add nothing and say
 * which field broke which rule; an unknown reference model must be accepted.
 * A supervisor edits a biller and the bill panel fills from it. Last, the
 * camera: Chromium's fake camera plays a QR code the panel decodes.
 *
 * The steps share one counter and one tab and run in order.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { parseIpsQr } from '../../domain/ipsqr.js';
import { verifyStore } from '../../services/verify.js';
import { ROOT, browserMissing, buildRenderer, countIds, fillByEnter, launchBrowser, newPage, shot, startCounter, tmpDir, type Counter } from './helpers.js';

const skip = browserMissing();

const SUPERVISOR = { personalNo: '1001', name: 'Ана Петровић', pin: '2468' };
const CLERK = { personalNo: '2002', name: 'Марко Јовић', pin: '1357' };

/** DOMAIN.md's electricity bill: 289 is paid in cash as 189; 2.5 % of 3.596,13 RSD is 89,90 RSD. */
const BILL = 'K:PR|V:01|C:1|R:845000000040484987|N:JP EPS Beograd|I:RSD3596,13|P:Petar Petrović\nKneza Miloša 1\nBeograd|SF:289|S:Racun za struju|RO:97163220000111111111000';
const BAD_ACCOUNT = BILL.replace('R:845000000040484987', 'R:845000000040484988');
const EMPTY_S = BILL.replace('|S:Racun za struju|', '|S:|');
/** A model this counter cannot check (33): a warning, not an error. */
const UNKNOWN_MODEL = 'K:PR|V:01|C:1|R:840000000095584510|N:Čigra doo|I:RSD500,00|SF:189|RO:3312345';

describe.skipIf(skip)('bill payments in Chromium', () => {
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;
  let counter: Counter;
  let page: Page;
  let problems: string[];
  let receiptNumber = '';

  const value = (id: string) => page.getByTestId(id).inputValue();
  const focused = () => page.evaluate('document.activeElement?.getAttribute("data-testid") ?? null') as Promise<string | null>;
  const basketLines = () => page.locator('[data-testid^=basket-line-]').count();

  async function signIn(p: Page, who: { personalNo: string; pin: string }) {
    await fillByEnter(p, ['signin-personalNo', 'signin-pin'], { 'signin-personalNo': who.personalNo, 'signin-pin': who.pin });
  }

  async function openTill(p: Page) {
    await p.getByTestId('screen-openTill').waitFor();
    await fillByEnter(p, countIds('open'), { 'open-note-100000': '5' });
    await p.getByTestId('screen-counter').waitFor();
  }

  /** The scanner: the code's characters at scanner speed (a new line in P is an Enter), then Enter. */
  async function scan(text: string) {
    await page.getByTestId('bill-scan').waitFor();
    expect(await focused()).toBe('bill-scan');
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
  }

  beforeAll(async () => {
    await buildRenderer();
    browser = await launchBrowser();
    context = browser.context;
    counter = await startCounter();
    expect((await counter.api('setup.init', { branchCode: '11000', counterNo: 4, supervisor: SUPERVISOR })).ok).toBe(true);
    const sup = await counter.api<{ sessionToken: string }>('auth.signIn', { personalNo: SUPERVISOR.personalNo, pin: SUPERVISOR.pin });
    if (!sup.ok) throw new Error(sup.error.message);
    expect((await counter.api('clerks.create', { ...CLERK, role: 'clerk' }, sup.value.sessionToken)).ok).toBe(true);
    ({ page, problems } = await newPage(context, counter.origin));
    await page.goto(counter.appUrl);
    await page.getByTestId('screen-signIn').waitFor();
    await signIn(page, CLERK);
    await openTill(page);
  });

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await counter?.stop();
  });

  it('fills the slip from a scanned IPS QR, shows 289 → 189, the fee and the settlement day, and adds nothing until asked', async () => {
    // A clerk's shortcut bar offers bills, not the supervisor's reference data.
    expect(await page.getByTestId('shortcuts').textContent()).toContain('Уплата рачуна');
    expect(await page.getByTestId('shortcuts').textContent()).not.toContain('Shift+F3');
    await page.keyboard.press('F3');
    await page.getByTestId('panel-bill_payment').waitFor();
    await scan(BILL);

    await expect.poll(() => value('bill-account')).toBe('845-404849-87');
    expect(await value('bill-payeeName')).toBe('JP EPS Beograd');
    expect(await value('bill-amount')).toBe('3.596,13');
    expect(await value('bill-paymentCode')).toBe('189');
    expect(await page.locator('#bill-paymentCode-hint').textContent()).toBe('Плаћа се готовином: 289 → 189');
    expect(await value('bill-model')).toBe('97');
    expect(await value('bill-reference')).toBe('163220000111111111000');
    expect(await value('bill-purpose')).toBe('Racun za struju');
    expect(await value('bill-payerName')).toBe('Petar Petrović');
    expect(await value('bill-payerAddress')).toBe('Kneza Miloša 1');
    expect(await value('bill-payerPlace')).toBe('Beograd');
    expect(await page.getByTestId('bill-status').textContent()).toContain('Налог је попуњен из QR кода');
    // The directory knows the account, but the scanned payee name stays.
    await expect.poll(() => page.locator('#bill-account-hint').textContent()).toContain('Elektrodistribucija (sample)');
    expect(await value('bill-payeeName')).toBe('JP EPS Beograd');
    // Fee and settlement day from counter.quote, before the bill is added.
    await expect.poll(() => page.getByTestId('bill-fee').textContent()).toBe('89,90 RSD');
    expect(await page.getByTestId('bill-total').textContent()).toBe('3.686,03 RSD');
    expect(await page.getByTestId('bill-settles').textContent()).toMatch(/^\d{2}\.\d{2}\.\d{4}\., (данас|следећег радног дана)$/);
    expect(await page.locator('[aria-invalid=true]').count()).toBe(0);
    expect(await basketLines()).toBe(0);
    expect(await focused()).toBe('bill-scan');
    await shot(page, 'bill-01-scanned');

    // Ctrl+Enter: this bill goes to the basket and the next one starts, for the same payer.
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.getByTestId('bill-status').textContent()).toBe('Додато: JP EPS Beograd, 3.596,13 RSD. Скенирајте следећи рачун; уплатилац остаје исти.');
    expect(await basketLines()).toBe(1);
    expect(await value('bill-account')).toBe('');
    expect(await value('bill-amount')).toBe('');
    expect(await value('bill-payerName')).toBe('Petar Petrović');
    expect(await value('bill-payerPlace')).toBe('Beograd');
    expect(await focused()).toBe('bill-scan');
    await expect.poll(() => page.getByTestId('bill-basket').textContent()).toBe('У корпи: 1 · 3.686,03 RSD');
    await shot(page, 'bill-02-next-bill');
  });

  it('adds a second bill keyed by hand, field by field, the directory filling in the payee as the account is typed', async () => {
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('bill-account');
    // Live check: a wrong control digit is named at once, with the digits it should have.
    await page.keyboard.type('840-955845-11');
    await expect.poll(() => page.getByTestId('bill-account-error').textContent()).toBe('Рачун: контролни број треба да буде 10, а не 11.');
    expect(await page.getByTestId('bill-account').getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'bill-03-live-account-check');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('0');
    await expect.poll(() => page.getByTestId('bill-account').getAttribute('aria-invalid')).toBeNull();
    await page.keyboard.press('Enter');
    expect(await focused()).toBe('bill-payeeName');
    await expect.poll(() => value('bill-payeeName')).toBe('Čigra doo (sample)');
    expect(await page.locator('#bill-account-hint').textContent()).toContain('840000000095584510');
    expect(await value('bill-paymentCode')).toBe('189');
    // What the directory filled is selected: the clerk's typing replaces it.
    await fillByEnter(page, ['bill-payeeName', 'bill-amount', 'bill-paymentCode', 'bill-model', 'bill-reference', 'bill-purpose', 'bill-payerName', 'bill-payerAddress'], {
      'bill-payeeName': 'Čigra doo',
      'bill-amount': '1.000,00',
      'bill-paymentCode': '189',
      'bill-reference': '2024-15',
      'bill-purpose': 'Pretplata za mart',
    });
    expect(await focused()).toBe('bill-payerPlace');
    expect(await value('bill-payeeName')).toBe('Čigra doo');
    expect(await value('bill-paymentCode')).toBe('189');
    await expect.poll(() => page.getByTestId('bill-fee').textContent()).toBe('25,00 RSD');
    expect(await page.getByTestId('bill-total').textContent()).toBe('1.025,00 RSD');
    await shot(page, 'bill-04-keyed-by-hand');
    // Enter on the last field adds the bill and closes the panel.
    await page.keyboard.press('Enter');
    await page.getByTestId('panel-bill_payment').waitFor({ state: 'detached' });
    await expect.poll(basketLines).toBe(2);
    await expect.poll(() => page.getByTestId('basket-total').textContent()).toBe('4.711,03 RSD');
    const first = (await page.getByTestId('basket-line-0').textContent()) ?? '';
    for (const s of ['JP EPS Beograd', 'Рачун: 845-404849-87', 'Позив на број: 97 163220000111111111000', 'Шифра плаћања: 189 (289 → 189)', 'провизија 89,90 RSD', '3.596,13 RSD']) expect(first).toContain(s);
    const second = (await page.getByTestId('basket-line-1').textContent()) ?? '';
    for (const s of ['Čigra doo', 'Рачун: 840-955845-10', 'Позив на број: 202415', 'провизија 25,00 RSD', '1.000,00 RSD']) expect(second).toContain(s);
    await shot(page, 'bill-05-basket');
  });

  it('takes one cash payment with change; the receipt lists payee, account, reference, amount and fee of each bill, and the books verify', async () => {
    await page.keyboard.press('F12');
    await page.getByTestId('screen-payment').waitFor();
    await expect.poll(() => page.getByTestId('payment-total').textContent()).toBe('4.711,03 RSD');
    await page.keyboard.type('5000');
    await expect.poll(() => page.getByTestId('payment-change').textContent()).toBe('288,97 RSD');
    await page.keyboard.press('Enter');
    await page.getByTestId('screen-receipt').waitFor();
    await expect.poll(() => page.getByTestId('receipt-change').textContent()).toBe('288,97 RSD');
    const frame = page.frameLocator('[data-testid=receipt-frame]');
    await expect.poll(() => frame.locator('.total-amount').textContent()).toBe('4.711,03');
    receiptNumber = (await frame.locator('.number').textContent()) ?? '';
    const lines = frame.locator('.line');
    expect(await lines.count()).toBe(2);
    const eps = (await lines.nth(0).textContent()) ?? '';
    for (const s of ['JP EPS Beograd', 'Рачун / Account: 845-404849-87', 'Позив на број / Reference: 97 163220000111111111000', '3.596,13', 'Провизија / Fee89,90', 'Шифра / Code: 189']) expect(eps).toContain(s);
    const cigra = (await lines.nth(1).textContent()) ?? '';
    for (const s of ['Čigra doo', 'Рачун / Account: 840-955845-10', 'Позив на број / Reference: 202415', '1.000,00', 'Провизија / Fee25,00']) expect(cigra).toContain(s);
    await shot(page, 'bill-06-receipt');

    const report = verifyStore(counter.mode.store);
    expect(report.faults).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.counts.receipts).toBe(1);
    const sup = await counter.api<{ sessionToken: string }>('auth.signIn', { personalNo: SUPERVISOR.personalNo, pin: SUPERVISOR.pin });
    if (!sup.ok) throw new Error(sup.error.message);
    const verified = await counter.api<{ ok: boolean }>('system.verify', {}, sup.value.sessionToken);
    expect(verified.ok && verified.value.ok).toBe(true);
    // …and the operator's command on the same data folder, beside the running app.
    const cli = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'postdesk.js'), 'verify', '--data', counter.dataDir], { encoding: 'utf8', cwd: ROOT });
    expect(cli.status, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ ok: true, counts: { receipts: 1 } });
  });

  it('opens the A6 payment confirmation of each bill, with an SVG IPS QR code of the payment as made', async () => {
    await page.keyboard.press('F6');
    await page.getByTestId('confirmation').waitFor();
    const frame = page.frameLocator('[data-testid=confirmation-frame]');
    await expect.poll(() => frame.locator('.qr svg').count()).toBe(1);
    const qr = parseIpsQr((await frame.locator('.qr').getAttribute('data-ips-qr')) ?? '');
    expect(qr).toMatchObject({ payeeAccount: '845000000040484987', amountPara: 359613, paymentCode: '189', reference: '97163220000111111111000', payeeName: 'JP EPS Beograd' });
    expect(await frame.locator('body').textContent()).toContain('289 → 189');
    expect(await frame.locator('body').getAttribute('data-confirmation')).toBe(`${receiptNumber}/1`);
    await shot(page, 'bill-07-confirmation');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('confirmation-frame').getAttribute('data-line')).toBe('2');
    await expect.poll(() => frame.locator('.qr svg').count()).toBe(1);
    expect(parseIpsQr((await frame.locator('.qr').getAttribute('data-ips-qr')) ?? '')).toMatchObject({ payeeAccount: '840000000095584510', amountPara: 100000 });
    await page.keyboard.press('Escape');
    await page.getByTestId('confirmation').waitFor({ state: 'detached' });
    await page.getByTestId('screen-receipt').waitFor();
    await page.waitForTimeout(750);
    await page.keyboard.press('Escape');
    await page.getByTestId('screen-counter').waitFor();
    expect(await basketLines()).toBe(0);
  });

  it('refuses a scanned code with a wrong account control digit, naming the account field, and adds nothing', async () => {
    await page.keyboard.press('F3');
    await scan(BAD_ACCOUNT);
    const alert = page.getByTestId('bill-scan-error');
    await expect.poll(() => alert.textContent()).toContain('Рачун примаоца (R): контролни број треба да буде 87, а не 88.');
    expect(await alert.getAttribute('role')).toBe('alert');
    expect(await alert.getAttribute('data-tag')).toBe('R');
    expect(await page.getByTestId('bill-account').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('bill-account-error').textContent()).toContain('контролни број треба да буде 87');
    // Nothing filled, and Enter again does not add it.
    expect(await value('bill-payeeName')).toBe('');
    await page.keyboard.press('Enter');
    await shot(page, 'bill-08-bad-account');
    // The same refusal in English, switched live.
    await page.keyboard.press('Control+KeyL');
    await page.keyboard.press('Control+KeyL');
    await expect.poll(() => alert.textContent()).toContain('Payee account (R): the control digits should be 87, not 88.');
    await shot(page, 'bill-09-bad-account-en');
    await page.keyboard.press('Control+KeyL');
    await expect.poll(() => alert.textContent()).toContain('Рачун примаоца (R)');
    await page.keyboard.press('Escape');
    await page.getByTestId('panel-bill_payment').waitFor({ state: 'detached' });
    expect(await basketLines()).toBe(0);
    await page.getByTestId('basket-empty').waitFor();
  });

  it('refuses a code with an empty S tag (|S:|), naming the tag S, and adds nothing', async () => {
    await page.keyboard.press('F3');
    await scan(EMPTY_S);
    const alert = page.getByTestId('bill-scan-error');
    await expect.poll(() => alert.textContent()).toContain('Сврха уплате (S): ознака је празна; ознака без вредности мора потпуно да се изостави из кода.');
    expect(await alert.getAttribute('data-tag')).toBe('S');
    expect(await page.getByTestId('bill-purpose').getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'bill-10-empty-s');
    await page.keyboard.press('Escape');
    await page.getByTestId('panel-bill_payment').waitFor({ state: 'detached' });
    expect(await basketLines()).toBe(0);
  });

  it('asks for an unknown reference model to be accepted before the bill is added', async () => {
    await page.keyboard.press('F3');
    await scan(UNKNOWN_MODEL);
    await expect.poll(() => value('bill-model')).toBe('33');
    const warning = page.getByTestId('bill-model-warning');
    await warning.waitFor();
    expect(await warning.textContent()).toContain('Модел 33 шалтер не уме да провери');
    // Enter on the empty scan field tries to add: this code has no payer (P), a new customer must be named first.
    await page.keyboard.press('Enter');
    await expect.poll(focused).toBe('bill-payerName');
    expect(await page.getByTestId('bill-payerName-error').textContent()).toBe('Уплатилац: име: обавезно поље.');
    await page.keyboard.type('Mila Savić');
    // Enter through the payer's lines tries again: refused until the unknown model is accepted.
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.getByTestId('bill-accept-error').waitFor();
    expect(await focused()).toBe('bill-accept');
    expect(await basketLines()).toBe(0);
    await shot(page, 'bill-11-unknown-model');
    await page.keyboard.press('Space');
    expect(await page.getByTestId('bill-accept').isChecked()).toBe(true);
    await expect.poll(() => page.getByTestId('bill-fee').textContent()).toBe('25,00 RSD');
    await page.keyboard.press('Enter');
    await page.getByTestId('panel-bill_payment').waitFor({ state: 'detached' });
    await expect.poll(basketLines).toBe(1);
    await expect.poll(() => page.getByTestId('basket-line-0').textContent()).toContain('Модел позива на број није познат.');
    await shot(page, 'bill-12-unknown-model-accepted');
    // This customer changes their mind: the line goes.
    await page.getByTestId('basket-line-0').focus();
    await page.keyboard.press('Delete');
    await expect.poll(basketLines).toBe(0);
  });

  it('lets a supervisor edit a biller on the reference-data screen, and the bill panel then fills in from it', async () => {
    await page.keyboard.press('F10');
    await page.getByTestId('screen-signIn').waitFor();
    await signIn(page, SUPERVISOR);
    await openTill(page);
    expect(await page.getByTestId('shortcuts').textContent()).toContain('Shift+F3');
    await page.keyboard.press('Shift+F3');
    await page.getByTestId('screen-referenceData').waitFor();
    expect(await focused()).toBe('billers-search');
    await expect.poll(() => page.getByTestId('billers-page').textContent()).toContain('Прималаца: 4');
    await page.keyboard.type('Čigra');
    await expect.poll(() => page.getByTestId('billers-page').textContent()).toContain('Прималаца: 1');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByTestId('biller-dialog').waitFor();
    expect(await focused()).toBe('biller-name');
    await page.keyboard.press('Control+KeyA');
    await page.keyboard.type('Čigra d.o.o. Novi Sad');
    await fillByEnter(page, ['biller-name', 'biller-account', 'biller-code'], { 'biller-code': '153' });
    await shot(page, 'bill-13-biller-edit');
    await page.keyboard.press('Enter'); // model
    await page.keyboard.press('Enter'); // pattern
    await page.keyboard.press('Enter'); // fee: by the bands → save
    await page.getByTestId('biller-dialog').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('refdata-notice').textContent()).toBe('Сачувано.');
    await expect.poll(() => page.getByTestId('billers-table').textContent()).toContain('Čigra d.o.o. Novi Sad');
    expect(await page.getByTestId('billers-table').textContent()).not.toContain('пример');
    // Insert adds a biller; a wrong control digit is caught before it is saved.
    await page.keyboard.press('Insert');
    await page.getByTestId('biller-dialog').waitFor();
    await fillByEnter(page, ['biller-name', 'biller-account'], { 'biller-name': 'Infostan Novi Sad', 'biller-account': '840-711111843-53' });
    await expect.poll(() => page.getByTestId('biller-account-error').textContent()).toBe('Рачун: контролни број треба да буде 52, а не 53.');
    await page.getByTestId('biller-account').fill('840-711111843-52');
    await page.getByTestId('biller-save').click();
    await page.getByTestId('biller-dialog').waitFor({ state: 'detached' });
    await page.getByTestId('billers-search').fill('711111843');
    await expect.poll(() => page.getByTestId('billers-table').textContent()).toContain('Infostan Novi Sad');
    await page.getByTestId('billers-search').fill('');
    await expect.poll(() => page.getByTestId('billers-page').textContent()).toContain('Прималаца: 5');
    await shot(page, 'bill-14-billers');
    // The fee table says its rows are samples.
    await page.keyboard.press('F3');
    await page.getByTestId('fee-table').waitFor();
    expect(await page.getByTestId('fee-sample').textContent()).toContain('примери, а не потврђени подаци');
    expect(await page.getByTestId('fee-band-1').textContent()).toContain('2,5 %');
    await shot(page, 'bill-15-fee-table');
    // The fee table is replaced as a whole; a gap between bands is refused, band by band, in words.
    expect(await focused()).toBe('fee-replace');
    await page.keyboard.press('Enter');
    await expect.poll(focused).toBe('band-0-from');
    await page.getByTestId('band-1-from').fill('1.000,02');
    await page.getByTestId('fee-save').click();
    await expect.poll(() => page.getByTestId('fee-problems').textContent()).toBe('Разред 2: мора да почне од 1.000,01, одмах после разреда 1.');
    expect(await page.getByTestId('band-1-from').getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'bill-16-fee-table-refused');
    await page.getByTestId('band-1-from').fill('1.000,01');
    await page.getByTestId('band-1-max').fill('600');
    await page.getByTestId('fee-save').click();
    await expect.poll(() => page.getByTestId('refdata-notice').textContent()).toBe('Сачувано.');
    expect(await page.getByTestId('fee-band-1').textContent()).toContain('600,00 RSD');
    expect(await page.getByTestId('fee-sample').count()).toBe(0);
    // Cut-off times: the first bank has the keyboard; Enter edits it.
    await page.keyboard.press('F4');
    await page.getByTestId('cutoffs-table').waitFor();
    expect(await page.getByTestId('cutoff-row-845').textContent()).toContain('14:30');
    await expect.poll(focused).toBe('cutoff-row-160');
    await page.keyboard.press('Enter');
    await fillByEnter(page, ['cutoff-bankName', 'cutoff-cutoff'], { 'cutoff-cutoff': '16:00' });
    await expect.poll(() => page.getByTestId('cutoff-row-160').textContent()).toContain('16:00');
    expect(await page.getByTestId('cutoff-row-160').textContent()).not.toContain('пример');
    await expect.poll(focused).toBe('cutoff-row-160');
    await shot(page, 'bill-17-cutoffs');

    await page.keyboard.press('Escape');
    await page.getByTestId('screen-counter').waitFor();
    await page.keyboard.press('F3');
    await page.getByTestId('bill-scan').waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.type('840-955845-10');
    await expect.poll(() => value('bill-payeeName')).toBe('Čigra d.o.o. Novi Sad');
    expect(await value('bill-paymentCode')).toBe('153');
    expect(await page.locator('#bill-account-hint').textContent()).toContain('Čigra d.o.o. Novi Sad');
    await shot(page, 'bill-18-autofill-from-edited-biller');
    await page.keyboard.press('Escape');
    await page.getByTestId('panel-bill_payment').waitFor({ state: 'detached' });
    expect(problems).toEqual([]);
  });

  it('reads the bill from the camera at #/payment/scan and stops the camera when done', async () => {
    const dir = tmpDir('camera');
    const video = path.join(dir, 'bill.y4m');
    writeQrVideo(BILL, video);
    const cam = await launchBrowser({ args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`] });
    try {
      const opened = await newPage(cam.context, counter.origin);
      const p = opened.page;
      // Every camera stream the page opens is kept, to check that each one stops.
      await p.addInitScript(`if (!window.__streams) {
        const md = navigator.mediaDevices;
        const original = md.getUserMedia.bind(md);
        window.__streams = [];
        md.getUserMedia = async (c) => {
          const s = await original(c);
          window.__streams.push(s);
          return s;
        };
      }`);
      await p.goto(counter.appUrl);
      await p.getByTestId('screen-signIn').waitFor();
      await signIn(p, SUPERVISOR);
      await p.getByTestId('screen-counter').waitFor();
      await p.keyboard.press('F3');
      await p.getByTestId('bill-scan').waitFor();
      await p.keyboard.press('F4');
      await p.getByTestId('camera-scan').waitFor();
      expect(new URL(p.url()).hash).toBe('#/payment/scan');
      await expect.poll(() => p.getByTestId('bill-account').inputValue(), { timeout: 15_000 }).toBe('845-404849-87');
      expect(await p.getByTestId('bill-payerName').inputValue()).toBe('Petar Petrović');
      expect(await p.getByTestId('bill-status').textContent()).toContain('камером');
      await expect.poll(() => p.getByTestId('bill-fee').textContent()).toBe('89,90 RSD');
      await p.getByTestId('camera-scan').waitFor({ state: 'detached' });
      expect(new URL(p.url()).hash).toBe('');
      expect(await liveTracks(p)).toBe(0);
      await shot(p, 'bill-19-camera');
      // Closing the camera view at once (before or after a code is seen) stops it too.
      await p.keyboard.press('F4');
      await p.getByTestId('camera-scan').waitFor();
      await p.keyboard.press('Escape');
      await p.getByTestId('camera-scan').waitFor({ state: 'detached' });
      expect(await p.getByTestId('panel-bill_payment').count()).toBe(1);
      await expect.poll(() => liveTracks(p)).toBe(0);
      expect(opened.problems).toEqual([]);
    } finally {
      await cam.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Camera tracks the page opened that are still running. */
function liveTracks(p: Page): Promise<number> {
  return p.evaluate('window.__streams.flatMap((s) => s.getTracks()).filter((t) => t.readyState === "live").length') as Promise<number>;
}

/**
 * A Y4M video (what Chromium's fake camera plays) of a QR code: raw 4:2:0
 * frames written by hand, dark modules on a light page, chroma neutral.
 */
function writeQrVideo(text: string, file: string): void {
  const W = 640;
  const H = 480;
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const scale = Math.floor(Math.min(W, H) / (n + 8));
  const x0 = Math.floor((W - n * scale) / 2);
  const y0 = Math.floor((H - n * scale) / 2);
  const luma = Buffer.alloc(W * H, 235);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (!qr.modules.get(r, c)) continue;
      for (let dy = 0; dy < scale; dy++) luma.fill(16, (y0 + r * scale + dy) * W + x0 + c * scale, (y0 + r * scale + dy) * W + x0 + (c + 1) * scale);
    }
  }
  const chroma = Buffer.alloc((W / 2) * (H / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  fs.writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), frame, frame, frame]));
}
