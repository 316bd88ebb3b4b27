/**
 * IPS QR parse-and-validate rate on 10^5 codes, beside a baseline measured in
 * the same run: splitting the same strings into tags without any checking
 * (the least any parser must do).
 */
import { parseIpsQr, serializeIpsQr, type IpsQr } from '../domain/ipsqr.js';
import { accountControl } from '../domain/account.js';
import { model97Control } from '../domain/reference.js';

function sampleCodes(n: number): string[] {
  const out: string[] = [];
  let seed = 12345;
  const rnd = (m: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % m;
  };
  const digits = (k: number) => Array.from({ length: k }, () => String(rnd(10))).join('');
  for (let i = 0; i < n; i++) {
    const first16 = `${['840', '845', '160', '170', '265'][rnd(5)]}${digits(13)}`;
    const body = digits(10 + rnd(10));
    const qr: IpsQr = {
      kind: 'PR',
      version: '01',
      charset: '1',
      payeeAccount: first16 + accountControl(first16),
      payeeName: `Preduzeće ${i} doo\nUlica ${rnd(200)}, Beograd`,
      amountPara: 1 + rnd(10_000_000),
      currency: 'RSD',
      payer: `Petar Petrović\nKneza Miloša ${rnd(99)}\nBeograd`,
      paymentCode: ['189', '289', '221'][rnd(3)]!,
      purpose: 'Račun za struju',
      reference: `97${model97Control(body)}${body}`,
    };
    out.push(serializeIpsQr(qr));
  }
  return out;
}

export async function runIpsQrBench(n = 100_000): Promise<Record<string, number>> {
  const codes = sampleCodes(n);
  let sink = 0;
  for (let i = 0; i < 5000; i++) sink += parseIpsQr(codes[i]!).amountPara ?? 0;
  let t0 = process.hrtime.bigint();
  for (const c of codes) {
    const parts = c.split('|');
    for (const p of parts) sink += p.indexOf(':');
  }
  const baseS = Number(process.hrtime.bigint() - t0) / 1e9;
  t0 = process.hrtime.bigint();
  for (const c of codes) sink += parseIpsQr(c).amountPara ?? 0;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (sink === 42) console.log('');
  return { 'ipsqr.parse_per_s': n / s, 'ipsqr.split_baseline_per_s': n / baseS, 'ipsqr.ratio_vs_split': (n / s) / (n / baseS) };
}
