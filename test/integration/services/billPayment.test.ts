import { afterEach, describe, expect, it } from 'vitest';
import { checkout, quote } from '../../../services/counter.js';
import { openTill, tillStatus } from '../../../services/till.js';
import { getReceipt } from '../../../services/receipts.js';
import { verifyStore } from '../../../services/verify.js';
import { balanceOf } from '../../../db/ledger.js';
import { confirmationFor, lookupBiller, replaceFeeTable, saveBiller, settlementOf } from '../../../services/payments.js';
import { renderReceiptHtml } from '../../../services/receiptPrint.js';
import { parseIpsQr } from '../../../domain/ipsqr.js';
import { uuidv7 } from '../../../domain/uuid7.js';
import type { BillPaymentItemInput } from '../../../domain/items.js';
import { billPaymentItemInput } from '../../../domain/items.js';
import { FIVE_THOUSANDS, countRows, setupCounter, type TestCounter } from '../../support/counter.js';

let c: TestCounter;
afterEach(() => c?.store.close());

function bill(over: Partial<BillPaymentItemInput> = {}): BillPaymentItemInput {
  return billPaymentItemInput.parse({
    kind: 'bill_payment',
    payer: { name: 'Петар Петровић', address: 'Кнеза Милоша 1', place: 'Београд' },
    payee: { name: 'Elektrodistribucija', account: '845000000040484987' },
    purpose: 'Račun za struju',
    paymentCode: '289',
    model: '97',
    reference: '163220000111111111000',
    amountPara: 250000,
    ...over,
  });
}

describe('bill payment item kind', () => {
  it('turns 289 into its cash form, shows the change, and takes amount + fee from the bands', () => {
    c = setupCounter();
    openTill(c.store, c.clerk, FIVE_THOUSANDS);
    const q = quote(c.store, c.clerk, [bill()]);
    const line = q.lines[0]!;
    expect(line.details.paymentCode).toBe('189');
    expect(line.warnings).toEqual([expect.objectContaining({ code: 'PAYMENT_CODE_CHANGED' })]);
    expect(line.feePara).toBe(6250); // 2.5 % of 2,500.00 RSD
    expect(q.totalPara).toBe(256250);
  });

  it.each([
    [100000, 2500, 'the last para of the first band: 25 RSD'],
    [100001, 3000, 'the first para of the second band: 2.5 % = 25.00, raised to the 30 RSD minimum'],
    [120000, 3000, '2.5 % = 30.00 exactly the minimum'],
    [200000, 5000, '2.5 %'],
    [2000000, 50000, '2.5 % = 500.00 exactly the maximum'],
    [2000040, 50000, '2.5 % = 500.01, held at the maximum'],
    [1, 2500, 'the smallest amount'],
  ])('fee for %i para is %i (%s)', (amountPara, fee) => {
    c = setupCounter();
    const q = quote(c.store, c.clerk, [bill({ amountPara, payee: { name: 'Čigra doo', account: '840-955845-10' }, model: '', reference: '' })]);
    expect(q.lines[0]!.feePara).toBe(fee);
  });

  it('charges no fee to a payee whose account carries the "none" exception', () => {
    c = setupCounter();
    const q = quote(c.store, c.clerk, [bill({ payee: { name: 'Banka', account: '165-55-74' }, model: '', reference: '', amountPara: 500000 })]);
    expect(q.lines[0]!.feePara).toBe(0);
  });

  it('refuses a bad account control naming the account field, and a bad model 97 control naming the reference', () => {
    c = setupCounter();
    expect(() => quote(c.store, c.clerk, [bill({ payee: { name: 'X', account: '845000000040484988' } })])).toThrow(expect.objectContaining({ code: 'ACCOUNT_INVALID', field: 'items.0.payee.account' }));
    expect(() => quote(c.store, c.clerk, [bill({ reference: '173220000111111111000' })])).toThrow(expect.objectContaining({ code: 'REFERENCE_INVALID', field: 'items.0.reference' }));
  });

  it('an unknown model is a warning the clerk must accept', () => {
    c = setupCounter();
    expect(() => quote(c.store, c.clerk, [bill({ model: '55', reference: '123' })])).toThrow(expect.objectContaining({ code: 'REFERENCE_MODEL_UNKNOWN', field: 'items.0.model' }));
    const q = quote(c.store, c.clerk, [bill({ model: '55', reference: '123', acceptWarnings: true })]);
    expect(q.lines[0]!.warnings.map((w) => w.code)).toContain('REFERENCE_MODEL_UNKNOWN');
  });

  it('posts cash in = amount + fee, the amount owed per payee account and the fee as revenue; receipt lists each payment', () => {
    c = setupCounter();
    openTill(c.store, c.clerk, FIVE_THOUSANDS);
    const items = [bill(), bill({ payee: { name: 'Čigra doo', account: '840-955845-10' }, model: '', reference: '', paymentCode: '189', amountPara: 102500 })];
    const q = quote(c.store, c.clerk, items);
    const r = checkout(c.store, c.clerk, { operationId: uuidv7(), items, tenders: [{ type: 'cash', amountPara: 400000 }], expectedTotalPara: q.totalPara });
    expect(r.totalPara).toBe(250000 + 6250 + 102500 + 3000);
    expect(tillStatus(c.store, c.clerk.clerk.id)!.expectedPara).toBe(500000 + r.totalPara);
    expect(balanceOf(c.store.db, 'owed:payee:845000000040484987')).toBe(-250000);
    expect(balanceOf(c.store.db, 'owed:payee:840000000095584510')).toBe(-102500);
    expect(balanceOf(c.store.db, 'revenue:bill_payment_fee')).toBe(-9250);
    const html = renderReceiptHtml(getReceipt(c.store, r.number));
    for (const s of ['Elektrodistribucija', '845-404849-87', '97 163220000111111111000', '2.500,00', '62,50', 'Čigra doo', '25,00']) expect(html).toContain(s);
    expect(verifyStore(c.store).ok).toBe(true);
  });

  it('prints an A6 confirmation whose QR re-encodes the payment in cash form', async () => {
    c = setupCounter();
    openTill(c.store, c.clerk, FIVE_THOUSANDS);
    const q = quote(c.store, c.clerk, [bill()]);
    const r = checkout(c.store, c.clerk, { operationId: uuidv7(), items: [bill()], tenders: [{ type: 'cash', amountPara: q.totalPara }], expectedTotalPara: q.totalPara });
    const html = await confirmationFor(c.store, r.number, 1, false);
    expect(html).toContain('<svg');
    const qrText = /data-ips-qr="([^"]+)"/.exec(html)![1]!.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    const qr = parseIpsQr(qrText);
    expect(qr).toMatchObject({ kind: 'PR', payeeAccount: '845000000040484987', amountPara: 250000, paymentCode: '189', reference: '97163220000111111111000' });
    await expect(confirmationFor(c.store, r.number, 2, false)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('settles today before the payee bank cut-off on a business day, else on the next business day', () => {
    c = setupCounter();
    // 845 has a 14:30 sample cut-off; Belgrade is UTC+1 in November.
    expect(settlementOf(c.store, '845000000040484987', new Date('2026-11-20T13:29:00Z'))).toMatchObject({ settlesOn: '2026-11-20', today: true });
    expect(settlementOf(c.store, '845000000040484987', new Date('2026-11-20T13:31:00Z'))).toMatchObject({ settlesOn: '2026-11-23', today: false }); // Friday → Monday
    expect(settlementOf(c.store, '845000000040484987', new Date('2026-11-10T09:00:00Z'))).toMatchObject({ settlesOn: '2026-11-10', today: true });
    expect(settlementOf(c.store, '845000000040484987', new Date('2026-11-11T09:00:00Z'))).toMatchObject({ settlesOn: '2026-11-12', today: false }); // holiday
  });

  it('fills a known biller from the directory and lets a supervisor change it, audited', () => {
    c = setupCounter();
    expect(lookupBiller(c.store, '840-955845-10')?.name).toContain('Čigra');
    expect(lookupBiller(c.store, '840-955845-11')).toBeNull();
    const b = saveBiller(c.store, c.supervisor.clerk.id, { name: 'Vodovod', account: '840-711111843-52', defaultPaymentCode: '189', model: '97', feeException: 'fixed', feeFixedPara: 1000 });
    expect(b.sample).toBe(false);
    expect(quote(c.store, c.clerk, [bill({ payee: { name: 'Vodovod', account: '840-711111843-52' }, model: '', reference: '' })]).lines[0]!.feePara).toBe(1000);
    expect(() => saveBiller(c.store, c.supervisor.clerk.id, { name: 'Bad', account: '160-5100000000-84' })).toThrow(expect.objectContaining({ code: 'ACCOUNT_INVALID' }));
    expect(c.store.db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'biller.created'").get()).toEqual({ n: 1 });
  });

  it('a new fee table applies from now on; a receipt made before keeps its fee', () => {
    c = setupCounter();
    openTill(c.store, c.clerk, FIVE_THOUSANDS);
    const items = [bill({ amountPara: 50000, model: '', reference: '', payee: { name: 'Čigra doo', account: '840-955845-10' } })];
    const q1 = quote(c.store, c.clerk, items);
    const r1 = checkout(c.store, c.clerk, { operationId: uuidv7(), items, tenders: [{ type: 'cash', amountPara: q1.totalPara }], expectedTotalPara: q1.totalPara });
    c.clock.advance(1000);
    replaceFeeTable(c.store, c.supervisor.clerk.id, 'bill_payment', [{ fromPara: 1, toPara: null, fixedPara: 4000, percentBp: 0, minPara: 0, maxPara: null }]);
    c.clock.advance(1000);
    expect(quote(c.store, c.clerk, items).lines[0]!.feePara).toBe(4000);
    expect(getReceipt(c.store, r1.number).lines[0]!.feePara).toBe(2500);
    expect(() => replaceFeeTable(c.store, c.supervisor.clerk.id, 'bill_payment', [{ fromPara: 1, toPara: 10, fixedPara: 1, percentBp: 0, minPara: 0, maxPara: null }, { fromPara: 12, toPara: null, fixedPara: 1, percentBp: 0, minPara: 0, maxPara: null }])).toThrow(expect.objectContaining({ code: 'FEE_BANDS_INVALID' }));
    expect(countRows(c.store, 'fee_bands')).toBe(3);
  });
});

describe('bill payment text and directory', () => {
  it('refuses, before money is taken, payer text the payment confirmation QR cannot carry', () => {
    c = setupCounter();
    expect(() => quote(c.store, c.clerk, [bill({ payer: { name: 'Jürgen Müller', address: '', place: '' } })])).toThrow(expect.objectContaining({ code: 'ITEM_INVALID', field: 'items.0.payer.name' }));
  });

  it('finds billers with Serbian letters folded, Latin or Cyrillic', async () => {
    c = setupCounter();
    const { listBillers } = await import('../../../services/payments.js');
    for (const q of ['cigra', 'ČIGRA', 'Чигра', '9558']) expect(listBillers(c.store, { query: q, offset: 0, limit: 10 }).rows.map((b) => b.account), q).toEqual(['840000000095584510']);
  });

  it('names a taken account with its own code and refuses a bad default payment code', () => {
    c = setupCounter();
    expect(() => saveBiller(c.store, c.supervisor.clerk.id, { name: 'Dup', account: '840-955845-10' })).toThrow(expect.objectContaining({ code: 'BILLER_ACCOUNT_TAKEN', field: 'account' }));
    expect(() => saveBiller(c.store, c.supervisor.clerk.id, { name: 'X', account: '840-711111843-52', defaultPaymentCode: '453' })).toThrow(expect.objectContaining({ code: 'PAYMENT_CODE_INVALID' }));
  });

  it('prints bill details with bilingual labels, once each', () => {
    c = setupCounter();
    openTill(c.store, c.clerk, FIVE_THOUSANDS);
    const q = quote(c.store, c.clerk, [bill()]);
    const r = checkout(c.store, c.clerk, { operationId: uuidv7(), items: [bill()], tenders: [{ type: 'cash', amountPara: q.totalPara }], expectedTotalPara: q.totalPara });
    const html = renderReceiptHtml(getReceipt(c.store, r.number));
    expect(html).toContain('Рачун / Account: 845-404849-87');
    expect(html).toContain('Позив на број / Reference: 97 163220000111111111000');
    expect(html).not.toMatch(/>(payee|fee|settlesOn|paymentCodeFrom):/);
    expect(q.lines[0]!.details).toMatchObject({ paymentCodeFrom: '289', settlesToday: expect.stringMatching(/^(yes|no)$/) });
  });
});
