/**
 * Receipt rendering for 80 mm roll printers: HTML (Electron prints it with
 * webContents.print, the browser shows it) and PDF (pdfkit with DejaVu Sans,
 * which carries Cyrillic). Counter receipts for postal and payment services
 * are non-fiscal documents numbered by the post.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import type { Receipt } from '../domain/api.js';
import { formatMoney } from '../domain/money.js';

const require = createRequire(import.meta.url);

const dateTime = new Intl.DateTimeFormat('sr-Latn-RS', { timeZone: 'Europe/Belgrade', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function belgradeTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Receipt labels for the details an item kind reports; keys not listed here are not printed. */
const DETAIL_LABEL: Record<string, string> = {
  account: 'Рачун / Account',
  reference: 'Позив на број / Reference',
  paymentCode: 'Шифра / Code',
  purpose: 'Сврха / Purpose',
  settles: 'Извршење / Settles',
};

function printableDetails(details: Record<string, string>): [string, string][] {
  return Object.entries(details).filter(([k, v]) => DETAIL_LABEL[k] !== undefined && v !== '').map(([k, v]) => [DETAIL_LABEL[k]!, k === 'settles' ? v.replace(' (today)', ' (данас / today)').replace(' (next business day)', ' (следећи радни дан / next business day)') : v]);
}

const TENDER_LABEL: Record<string, string> = { cash: 'Готовина / Cash', card: 'Картица / Card' };

/** The receipt as a self-contained HTML page sized for an 80 mm roll. */
export function renderReceiptHtml(r: Receipt): string {
  const lines = r.lines
    .map((l) => {
      const details = printableDetails(l.details)
        .map(([k, v]) => `<div class="detail">${esc(k)}: ${esc(v)}</div>`)
        .join('');
      const fee = l.feePara ? `<div class="row detail"><span>Провизија / Fee</span><span>${formatMoney(l.feePara)}</span></div>` : '';
      return `<div class="line"><div class="row"><span>${esc(l.description)}${l.quantity > 1 ? ` × ${l.quantity}` : ''}</span><span>${formatMoney(l.amountPara)}</span></div>${details}${fee}</div>`;
    })
    .join('');
  const tenders = r.tenders.map((t) => `<div class="row"><span>${TENDER_LABEL[t.type] ?? t.type}</span><span>${formatMoney(t.amountPara)}</span></div>`).join('');
  return `<!doctype html>
<html lang="sr"><head><meta charset="utf-8"><title>${esc(r.number)}</title>
<style>
@page { size: 80mm auto; margin: 3mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11px; width: 74mm; margin: 0 auto; color: #000; }
h1 { font-size: 13px; text-align: center; margin: 0 0 2mm; }
.center { text-align: center; }
.row { display: flex; justify-content: space-between; gap: 2mm; }
.line { border-bottom: 1px dashed #000; padding: 1mm 0; }
.detail { font-size: 10px; }
.total { font-weight: bold; font-size: 13px; margin-top: 1mm; }
.copy { font-size: 16px; font-weight: bold; text-align: center; border: 2px solid #000; margin: 2mm 0; }
</style></head>
<body data-receipt="${esc(r.number)}">
<h1>ПОШТА / POSTA</h1>
<div class="center">Пошта ${esc(r.branchCode)} · шалтер ${r.counterNo}</div>
<div class="center">Нефискални рачун / Non-fiscal receipt</div>
${r.copy ? '<div class="copy">КОПИЈА / COPY</div>' : ''}
<div class="row"><span>Бр. / No.</span><span class="number">${esc(r.number)}</span></div>
<div class="row"><span>${esc(belgradeTime(r.createdAt))}</span><span>${esc(r.clerk.name)}</span></div>
${lines}
<div class="row total"><span>УКУПНО / TOTAL RSD</span><span class="total-amount">${formatMoney(r.totalPara)}</span></div>
${tenders}
<div class="row"><span>Кусур / Change</span><span class="change">${formatMoney(r.changePara)}</span></div>
<div class="center detail">op ${esc(r.operationId)}</div>
</body></html>`;
}

let fontPath: string | null = null;
function font(): string {
  if (!fontPath) fontPath = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf', 'DejaVuSans.ttf');
  return fontPath;
}

const MM = 72 / 25.4;

/** The receipt as a PDF, 80 mm wide, height fitted to the content. */
export function renderReceiptPdf(r: Receipt): Promise<Buffer> {
  const width = 80 * MM;
  const rows: { left: string; right?: string; bold?: boolean; center?: boolean; size?: number }[] = [];
  rows.push({ left: 'ПОШТА / POSTA', center: true, bold: true, size: 11 });
  rows.push({ left: `Пошта ${r.branchCode} · шалтер ${r.counterNo}`, center: true });
  rows.push({ left: 'Нефискални рачун / Non-fiscal receipt', center: true });
  if (r.copy) rows.push({ left: 'КОПИЈА / COPY', center: true, bold: true, size: 14 });
  rows.push({ left: 'Бр. / No.', right: r.number });
  rows.push({ left: belgradeTime(r.createdAt), right: r.clerk.name });
  for (const l of r.lines) {
    rows.push({ left: `${l.description}${l.quantity > 1 ? ` × ${l.quantity}` : ''}`, right: formatMoney(l.amountPara) });
    for (const [k, v] of printableDetails(l.details)) rows.push({ left: `  ${k}: ${v}`, size: 7 });
    if (l.feePara) rows.push({ left: '  Провизија / Fee', right: formatMoney(l.feePara), size: 7 });
  }
  rows.push({ left: 'УКУПНО / TOTAL RSD', right: formatMoney(r.totalPara), bold: true, size: 10 });
  for (const t of r.tenders) rows.push({ left: TENDER_LABEL[t.type] ?? t.type, right: formatMoney(t.amountPara) });
  rows.push({ left: 'Кусур / Change', right: formatMoney(r.changePara) });
  const height = 20 * MM + rows.reduce((h, row) => h + (row.size ?? 8) * 1.5, 0);
  const doc = new PDFDocument({ size: [width, height], margin: 3 * MM, info: { Title: `Receipt ${r.number}`, Producer: 'PostDesk', Creator: 'PostDesk' } });
  doc.registerFont('body', font());
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const inner = width - 6 * MM;
  let y = 3 * MM;
  for (const row of rows) {
    const size = row.size ?? 8;
    doc.font('body').fontSize(size);
    if (row.center) doc.text(row.left, 3 * MM, y, { width: inner, align: 'center', lineBreak: false });
    else {
      doc.text(row.left, 3 * MM, y, { width: inner * (row.right ? 0.6 : 1), lineBreak: false, ellipsis: true });
      if (row.right) doc.text(row.right, 3 * MM + inner * 0.4, y, { width: inner * 0.6, align: 'right', lineBreak: false });
    }
    y += size * 1.5;
  }
  doc.end();
  return done;
}
