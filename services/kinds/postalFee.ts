/**
 * "Postal fee": a fixed-price counter service from the tariff table (a
 * certified copy, a form …). It keeps the core usable on its own and is the
 * model for the service kinds that follow.
 */
import { AppError } from '../../domain/errors.js';
import { accounts } from '../../db/ledger.js';
import { registerItemKind } from './registry.js';
import { tariffAt } from '../tariffs.js';

registerItemKind({
  kind: 'postal_fee',
  service: 'postal_fee',
  price(ctx, input) {
    const t = tariffAt(ctx.store, input.tariffCode, ctx.at);
    if (!t || t.itemKind !== 'postal_fee') {
      throw new AppError('TARIFF_UNKNOWN', `There is no postal fee with code ${input.tariffCode}`, { field: 'tariffCode' });
    }
    const amountPara = t.pricePara * input.quantity;
    if (!Number.isSafeInteger(amountPara)) throw new AppError('AMOUNT_TOO_LARGE', 'The line is too large', { field: 'quantity' });
    return {
      description: t.nameSr,
      quantity: input.quantity,
      unitPricePara: t.pricePara,
      amountPara,
      feePara: 0,
      details: { code: t.code, nameEn: t.nameEn },
      warnings: [],
      data: { tariffCode: t.code, tariffValidFrom: t.validFrom, unitPricePara: t.pricePara },
      credits: [{ account: accounts.revenue('postal_fee'), amountPara: -amountPara }],
    };
  },
});
