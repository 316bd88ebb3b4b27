/**
 * "Bill payment": one payment slip paid in cash at the counter. Every number
 * is checked before money is taken: the payee account's MOD 97 control, the
 * reference by its model (an unknown model is a warning the clerk accepts),
 * the payment code turned into its cash form. The fee comes from the fee
 * bands or the payee's exception; the amount is owed to the payee account
 * and the fee is revenue.
 */
import { AppError } from '../../domain/errors.js';
import { assertAccount, formatAccountShort } from '../../domain/account.js';
import { checkReference } from '../../domain/reference.js';
import { toCashForm } from '../../domain/paymentCode.js';
import { computeFee } from '../../domain/fees.js';
import { formatMoney } from '../../domain/money.js';
import { accounts } from '../../db/ledger.js';
import { billerByAccount, feeExceptionOf, feeTableAt, ipsQrOf, settlementOf, type PaymentLineData } from '../payments.js';
import { registerItemKind } from './registry.js';

/** IPS QR tag → the slip field it comes from. */
const TAG_FIELD: Record<string, string> = { N: 'payee.name', R: 'payee.account', P: 'payer.name', S: 'purpose', RO: 'reference', SF: 'paymentCode', I: 'amountPara' };

registerItemKind({
  kind: 'bill_payment',
  service: 'bill_payment',
  price(ctx, input) {
    const account = assertAccount(input.payee.account, 'payee.account');
    const code = toCashForm(input.paymentCode, 'paymentCode');
    const model = input.model.trim();
    const reference = input.reference.replace(/[\s-]/g, '').toUpperCase();
    const warnings: { code: string; message: string }[] = [];
    if (model !== '' && !/^\d{2}$/.test(model)) throw new AppError('REFERENCE_INVALID', 'The model is two digits (97, 11, 22, 00) or empty', { field: 'model' });
    const check = checkReference(model, reference);
    if (check.status === 'error') throw new AppError('REFERENCE_INVALID', check.message, { field: 'reference' });
    if (check.status === 'warning') {
      if (!input.acceptWarnings) throw new AppError('REFERENCE_MODEL_UNKNOWN', `${check.message} Confirm with the customer and accept the warning to go on.`, { field: 'model' });
      warnings.push({ code: check.code, message: check.message });
    }
    if (code.changed) warnings.push({ code: 'PAYMENT_CODE_CHANGED', message: `Payment code ${code.from} was changed to its cash form ${code.code}` });
    const biller = billerByAccount(ctx.store, account);
    const table = feeTableAt(ctx.store, 'bill_payment', ctx.at);
    if (!table) throw new AppError('TARIFF_UNKNOWN', 'There is no fee table for bill payments', { field: 'amountPara' });
    const feePara = computeFee(input.amountPara, table.bands, feeExceptionOf(biller));
    const settle = settlementOf(ctx.store, account, new Date(ctx.at));
    const data: PaymentLineData = {
      payer: { name: input.payer.name.trim(), address: input.payer.address.trim(), place: input.payer.place.trim() },
      payee: { name: input.payee.name.trim(), account },
      purpose: input.purpose.trim(),
      paymentCode: code.code,
      paymentCodeFrom: code.from,
      model,
      reference,
      amountPara: input.amountPara,
      feePara,
      settlesOn: settle.settlesOn,
    };
    // The A6 confirmation re-encodes the payment as an IPS QR: refuse now, before money is
    // taken, any text that code cannot carry (the NBS character set, lengths).
    try {
      ipsQrOf(data);
    } catch (e) {
      if (e instanceof AppError) {
        const field = TAG_FIELD[e.field ?? ''] ?? 'payer.name';
        throw new AppError('ITEM_INVALID', `${e.message} (the payment confirmation could not carry it)`, { field, details: { tag: e.field ?? null } });
      }
      throw e;
    }
    return {
      description: data.payee.name,
      quantity: 1,
      unitPricePara: input.amountPara,
      amountPara: input.amountPara,
      feePara,
      details: {
        payee: data.payee.name,
        account: formatAccountShort(account),
        reference: `${model} ${reference}`.trim(),
        paymentCode: code.code,
        purpose: data.purpose,
        settles: settle.today ? `${settle.settlesOn} (today)` : `${settle.settlesOn} (next business day)`,
        fee: formatMoney(feePara),
        // Machine-readable facts for screens, so no one parses the sentences above.
        settlesOn: settle.settlesOn,
        settlesToday: settle.today ? 'yes' : 'no',
        paymentCodeFrom: code.from,
      },
      warnings,
      data: { ...data, source: input.source, billerId: biller?.id ?? null, feeTableValidFrom: table.validFrom, settlesToday: settle.today, cutoff: settle.cutoff },
      credits: [
        { account: accounts.owedTo(`payee:${account}`), amountPara: -input.amountPara },
        ...(feePara ? [{ account: accounts.revenue('bill_payment_fee'), amountPara: -feePara }] : []),
      ],
    };
  },
});
