/**
 * Sync with the centre, in Chromium against a real central server (SQLite):
 * first-run setup enrolls the counter (a wrong code first: the counter stays
 * set up and says why, then the right one), the status bar shows pending
 * events and their sending (with the progress bar), a tariff published
 * centrally reaches the postal-fee panel and the next sale, a telegram status
 * posted centrally shows in the supervisor's look-up, the set-aside list is
 * empty, a second counter set up without the centre is enrolled later on the
 * supervisor's Sync screen, and with the centre gone "Sync now" says so in words while the
 * pending events stay. Everything by keyboard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { browserMissing, buildRenderer, countIds, fillByEnter, launchBrowser, newPage, shot, startCounter, type Counter } from './helpers.js';
import { dropPlace, newPlace, placeArgs, runServerCli, spawnServer, type CentralPlace, type ChildServer } from '../integration/sync/helpers/central.js';

const skip = browserMissing();

/** expect.poll with room for a server round trip (its default gives up after 1 s). */
const eventually = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 15_000, interval: 100 });

const SUPERVISOR = { personalNo: '1001', name: 'Ана Петровић', pin: '2468' };
const TELEGRAM = 'TG-11000-0001';
const UNREACHABLE_SR = 'Централни систем није доступан; рад се наставља, а подаци се шаљу касније.';
const UNREACHABLE_EN = 'The central system cannot be reached; work goes on and is sent later.';

describe.skipIf(skip)('sync with the centre in Chromium', () => {
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;
  let place: CentralPlace;
  let server: ChildServer;
  let code: string;
  let counter: Counter;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    place = newPlace('sqlite', 'e2e-central');
    const [, started, enrolled] = await Promise.all([
      buildRenderer(),
      spawnServer(place),
      runServerCli(['enroll', '--branch', '11000', '--counter', '3', '--json', ...placeArgs(place)]),
    ]);
    server = started;
    expect(enrolled.code, enrolled.stderr).toBe(0);
    code = (enrolled.json as { value: { code: string } }).value.code;
    browser = await launchBrowser();
    context = browser.context;
    counter = await startCounter();
    // The agent's own timer stays out of the way: every sync here is the clerk's "Sync now" (a fixture, as the idle-lock test does).
    expect(counter.mode.store.db.prepare("UPDATE settings SET value = '3600' WHERE key = 'sync_interval_seconds'").run().changes).toBe(1);
    ({ page, problems } = await newPage(context, counter.origin));
  });

  afterAll(async () => {
    await page?.close();
    await counter?.stop();
    await browser?.close();
    await server?.stop();
    if (place) await dropPlace(place);
  });

  const bar = () => page.getByTestId('sync-bar');
  const pending = async () => Number(await page.getByTestId('sync-pending').getAttribute('data-count'));

  /** Waits for the outcome of a "Sync now" newer than `before`: true when it synced. */
  async function outcomeAfter(before: string | null): Promise<boolean> {
    const outcome = page.getByTestId('sync-outcome');
    await eventually(async () => {
      const at = await outcome.getAttribute('data-at');
      return at !== null && at !== before;
    }).toBe(true);
    return (await outcome.getAttribute('data-ok')) === 'true';
  }

  /** Ctrl+S, then the outcome of exactly that press. */
  async function syncNow(): Promise<boolean> {
    const before = await page.getByTestId('sync-outcome').getAttribute('data-at');
    await page.keyboard.press('Control+KeyS');
    return outcomeAfter(before);
  }

  /** One postal fee found by `search`, paid with the exact amount; returns the receipt's total. */
  async function sell(search: string, onPanel?: () => Promise<void>): Promise<string> {
    await page.keyboard.press('F2');
    await page.getByTestId('fee-search').waitFor();
    await page.keyboard.type(search);
    await eventually(() => page.getByTestId('fee-list').locator('[role=option]').count()).toBe(1);
    await onPanel?.();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.getByTestId('panel-postal_fee').waitFor({ state: 'detached' });
    await page.getByTestId('basket-line-0').waitFor();
    await page.keyboard.press('F12');
    await page.getByTestId('screen-payment').waitFor();
    await eventually(() => page.getByTestId('payment-total').textContent()).toMatch(/RSD$/);
    await page.keyboard.press('F4');
    await page.keyboard.press('Enter');
    await page.getByTestId('screen-receipt').waitFor();
    return (await page.getByTestId('receipt-total').textContent()) ?? '';
  }

  /** From the receipt back to an empty counter (the receipt screen ignores a too-early key). */
  async function nextCustomer() {
    await page.waitForTimeout(750);
    await page.keyboard.press('Escape');
    await page.getByTestId('screen-counter').waitFor();
  }

  it('enrolls on the first-run screen: a wrong code is told in words, the right one connects; Sync now leaves 0 pending', async () => {
    await page.goto(counter.appUrl);
    await page.getByTestId('screen-setup').waitFor();
    await fillByEnter(page, ['setup-branchCode', 'setup-counterNo', 'setup-personalNo', 'setup-name', 'setup-pin'], {
      'setup-branchCode': '11000',
      'setup-counterNo': '3',
      'setup-personalNo': SUPERVISOR.personalNo,
      'setup-name': SUPERVISOR.name,
      'setup-pin': SUPERVISOR.pin,
    });
    await page.keyboard.type(SUPERVISOR.pin);
    // The optional pair sits after the PIN, a Tab away; Enter in the address moves on to the code.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.id')).toBe('setup-serverUrl');
    await page.keyboard.type(server.url);
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement?.id')).toBe('setup-enrollCode');
    await page.keyboard.type('AAAA-BBBB-CCCC-DDDD');
    await page.keyboard.press('Enter');

    // Set up, not connected: the reason in words, the code field ready for another try.
    const error = page.getByTestId('error');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toMatch(/^SYNC_ENROLL_/);
    expect(await error.textContent()).toContain('Шалтер је подешен, али није могао да се повеже са централним системом: Код за пријаву');
    expect(await page.getByTestId('setup-branchCode').isDisabled()).toBe(true);
    await eventually(() => page.evaluate('document.activeElement?.id')).toBe('setup-enrollCode');
    await eventually(() => bar().getAttribute('data-state')).toBe('offline');
    await shot(page, 'sync-01-enroll-refused');

    await page.keyboard.press('Control+KeyA');
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');
    // Enrolled and signed in as the new supervisor: straight on to opening the till.
    await page.getByTestId('screen-openTill').waitFor();
    await eventually(() => bar().getAttribute('data-state')).toBe('ok');
    expect(await page.getByTestId('shortcuts').textContent()).toContain('Ctrl+S');

    expect(await syncNow()).toBe(true);
    expect(await pending()).toBe(0);
    expect(await page.getByTestId('sync-state').textContent()).toBe('Повезан са централним системом');
    expect(await page.getByTestId('sync-last-success').textContent()).toMatch(/^Синхронизовано у (\d{2}\.\d{2}\.\d{4}\. )?\d{2}:\d{2}(:\d{2})?$/);
    await shot(page, 'sync-02-connected');
  });

  it('shows a sale as pending, then sends it with Sync now (progress bar while it runs)', async () => {
    await fillByEnter(page, countIds('open'), { 'open-note-100000': '5' });
    await page.getByTestId('screen-counter').waitFor();
    expect(await sell('CERT_COPY')).toBe('250,00 RSD');
    await eventually(pending).toBeGreaterThan(0);
    await shot(page, 'sync-03-pending');

    // A slow line: the answer to "Sync now" takes a while, and the bar shows it working.
    await page.route('**/api/sync.now', async (route) => {
      await new Promise((r) => setTimeout(r, 1200));
      await route.continue();
    });
    const outcome = page.getByTestId('sync-outcome');
    const before = await outcome.getAttribute('data-at');
    await page.keyboard.press('Control+KeyS');
    await page.getByTestId('sync-progress').waitFor();
    expect(await page.getByTestId('sync-now').isDisabled()).toBe(true);
    await shot(page, 'sync-04-progress');
    expect(await outcomeAfter(before)).toBe(true);
    await page.unroute('**/api/sync.now');
    expect(await outcome.textContent()).toMatch(/^Послато [1-9]\d*, примљено \d+\.$/);
    await eventually(pending).toBe(0);
    await page.getByTestId('sync-progress').waitFor({ state: 'detached' });
  });

  it('a tariff published centrally reaches the postal-fee panel after Sync now, and the sale uses it', async () => {
    // Named as on the counter: a centre that never saw this code would otherwise name it by its code.
    const pub = await runServerCli([
      'publish-tariff', '--code', 'CERT_COPY', '--price', '310,00', '--valid-from', new Date(Date.now() - 1000).toISOString(), '--allow-past',
      '--name-sr', 'Оверени препис', '--name-en', 'Certified copy', '--json', ...placeArgs(place),
    ]);
    expect(pub.code, pub.stderr).toBe(0);
    expect(await syncNow()).toBe(true);
    expect(await page.getByTestId('sync-outcome').textContent()).toMatch(/примљено [1-9]/);
    await nextCustomer();
    const total = await sell('CERT_COPY', async () => {
      await eventually(() => page.getByTestId('fee-option-CERT_COPY').textContent()).toBe('Оверени преписCERT_COPY310,00 RSD');
      await shot(page, 'sync-05-new-tariff');
    });
    expect(total).toBe('310,00 RSD');
  });

  it('a telegram status posted centrally shows in the supervisor look-up; the set-aside list is empty', async () => {
    const posted = await runServerCli(['post-status', '--entity', 'telegram', '--ref', TELEGRAM, '--status', 'delivered', '--json', ...placeArgs(place)]);
    expect(posted.code, posted.stderr).toBe(0);
    expect(await syncNow()).toBe(true);
    await nextCustomer();
    expect(await page.getByTestId('shortcuts').textContent()).toContain('Shift+F4');
    await page.keyboard.press('Shift+F4');
    await page.getByTestId('screen-sync').waitFor();
    await page.getByTestId('setaside-empty').waitFor();
    expect(await page.getByTestId('setaside-empty').textContent()).toBe('Нема издвојених догађаја.');
    expect(await page.getByTestId('sync-status-connection').textContent()).toBe('Пријављен');
    // The keys start on the look-up: Telegram is chosen, Enter moves to the reference, Enter looks it up.
    await eventually(() => page.evaluate('document.activeElement?.id')).toBe('lookup-entity');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement?.id')).toBe('lookup-ref');
    await page.keyboard.type(TELEGRAM);
    await page.keyboard.press('Enter');
    const result = page.getByTestId('lookup-result');
    await result.waitFor();
    expect(await result.getAttribute('data-status')).toBe('delivered');
    expect(await result.textContent()).toMatch(new RegExp(`^Телеграм ${TELEGRAM}: уручен од \\d{2}\\.\\d{2}\\.\\d{4}\\. \\d{2}:\\d{2}`));
    await shot(page, 'sync-06-sync-screen');
    await page.keyboard.press('Escape');
    await page.getByTestId('screen-counter').waitFor();

    // How refused events would read (the answer stood in for: this centre refuses none): the reason's code in words, the centre's own text beside it.
    const refused = [
      { seq: 41, eventId: '01a2002f-0000-7000-8000-000000000041', type: 'receipt.issued', createdAt: '2026-11-21T09:15:00Z', setAsideAt: '2026-11-21T09:20:00Z', reason: 'SYNC_MALFORMED: payload.lines[0].amountPara: expected an integer', declared: true },
      { seq: 42, eventId: '01a2002f-0000-7000-8000-000000000042', type: 'till.closed', createdAt: '2026-11-21T16:02:00Z', setAsideAt: '2026-11-21T16:05:00Z', reason: 'SYNC_MALFORMED: unknown event type', declared: false },
    ];
    await page.route('**/api/sync.setAside', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ ok: true, value: refused }) }));
    await page.keyboard.press('Shift+F4');
    await page.getByTestId('setaside-list').waitFor();
    expect(await page.getByTestId('setaside-row-41').textContent()).toContain('Централни систем није могао да прочита пошиљку.');
    expect(await page.getByTestId('shortcuts').textContent()).toContain('F8');
    await page.getByTestId('setaside-list').scrollIntoViewIfNeeded();
    await shot(page, 'sync-06b-set-aside-rows');
    await page.unroute('**/api/sync.setAside');
    await page.keyboard.press('Escape');
    await page.getByTestId('screen-counter').waitFor();
  });

  it('a counter set up without the centre is enrolled later by a supervisor on the Sync screen (Shift+F4 before the till is open)', async () => {
    const later = await runServerCli(['enroll', '--branch', '11000', '--counter', '4', '--json', ...placeArgs(place)]);
    expect(later.code, later.stderr).toBe(0);
    const second = await startCounter();
    const tab = await newPage(context, second.origin);
    try {
      expect((await second.api('setup.init', { branchCode: '11000', counterNo: 4, supervisor: SUPERVISOR })).ok).toBe(true);
      await tab.page.goto(second.appUrl);
      await tab.page.getByTestId('screen-signIn').waitFor();
      await fillByEnter(tab.page, ['signin-personalNo', 'signin-pin'], { 'signin-personalNo': SUPERVISOR.personalNo, 'signin-pin': SUPERVISOR.pin });
      await tab.page.getByTestId('screen-openTill').waitFor();
      await eventually(() => tab.page.getByTestId('sync-bar').getAttribute('data-state')).toBe('offline');
      expect(await tab.page.getByTestId('sync-state').textContent()).toBe('Шалтер није повезан са централним системом');
      expect(await tab.page.getByTestId('shortcuts').textContent()).toContain('Shift+F4');
      await tab.page.keyboard.press('Shift+F4');
      await tab.page.getByTestId('screen-sync').waitFor();
      expect(await tab.page.getByTestId('sync-status-connection').textContent()).toBe('Није пријављен');
      await eventually(() => tab.page.evaluate('document.activeElement?.id')).toBe('sync-serverUrl');
      await fillByEnter(tab.page, ['sync-serverUrl', 'sync-enrollCode'], { 'sync-serverUrl': server.url, 'sync-enrollCode': (later.json as { value: { code: string } }).value.code });
      await eventually(() => tab.page.getByTestId('notice').textContent()).toBe('Шалтер је пријављен централном систему.');
      expect(await tab.page.getByTestId('sync-status-connection').textContent()).toBe('Пријављен');
      await eventually(() => tab.page.getByTestId('sync-bar').getAttribute('data-state')).toBe('ok');
      await shot(tab.page, 'sync-07-enrolled-later');
      await tab.page.keyboard.press('Escape');
      await tab.page.getByTestId('screen-openTill').waitFor();
      expect(tab.problems).toEqual([]);
    } finally {
      await tab.page.close();
      await second.stop();
    }
  });

  it('with the centre gone, Sync now shows the error in words and the sale stays pending; the network coming back syncs again', async () => {
    await sell('CERT_COPY');
    await eventually(pending).toBeGreaterThan(0);
    const waiting = await pending();
    await server.stop();

    expect(await syncNow()).toBe(false);
    const error = page.getByTestId('sync-error');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('SYNC_UNREACHABLE');
    expect(await error.textContent()).toBe(UNREACHABLE_SR);
    expect(await bar().getAttribute('data-state')).toBe('error');
    expect(await pending()).toBe(waiting);
    await shot(page, 'sync-08-unreachable');

    // The same sentence in English, switched live.
    await page.keyboard.press('Control+KeyL');
    await page.keyboard.press('Control+KeyL');
    await eventually(() => error.textContent()).toBe(UNREACHABLE_EN);
    await shot(page, 'sync-09-unreachable-en');

    // The browser says the network is back: a sync starts by itself.
    const asked = page.waitForRequest('**/api/sync.now');
    await page.evaluate('window.dispatchEvent(new Event("online"))');
    await asked;
    await eventually(() => page.getByTestId('sync-outcome').getAttribute('data-ok')).toBe('false');
    expect(await pending()).toBe(waiting);
    expect(problems).toEqual([]);
  });
});
