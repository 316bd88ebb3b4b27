import { useEffect, useRef, useState } from 'react';
import type React from 'react';
import { Screen } from '../components/Screen.js';
import { ErrorAlert, StatusLine } from '../components/ErrorAlert.js';
import { money, useErrorText, useT } from '../i18n/index.js';
import { inControl, useKeys } from '../keyboard.js';
import { kindUis, kindUi, lineName, visibleDetails, visibleWarnings } from '../kinds/index.js';
import type { ItemInput } from '../../domain/items.js';
import { useBasket } from '../stores/basket.js';
import { useApp } from '../stores/app.js';
import { useLocale } from '../stores/locale.js';
import { isSupervisor, useSession } from '../stores/session.js';
import { signOut } from '../flow.js';
import { ApiError } from '../api.js';

export function CounterScreen() {
  const t = useT();
  const errorText = useErrorText();
  const locale = useLocale((s) => s.locale);
  const { lines, quote, quoting, quoteError, add, remove } = useBasket();
  const till = useSession((s) => s.till);
  const supervisor = useSession(isSupervisor);
  const notice = useApp((s) => s.notice);
  const go = useApp((s) => s.go);
  const [panel, setPanel] = useState<string | null>(null);
  const [focusLine, setFocusLine] = useState<number | null>(null);
  const [announce, setAnnounce] = useState<string | null>(null);
  const tableRef = useRef<HTMLTableSectionElement>(null);
  const basketRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // While a panel is open (a bill added with "next"), the panel keeps the focus.
    if (focusLine === null || panel !== null) return;
    const row = tableRef.current?.querySelector<HTMLElement>(`[data-line="${focusLine}"]`);
    if (row) row.focus();
    else basketRef.current?.focus();
  }, [focusLine, lines.length, panel]);

  // When the screen opens, the keys go to the basket (F-keys, Enter, arrows), not to a button.
  useEffect(() => {
    basketRef.current?.focus();
  }, []);

  const pay = () => {
    if (lines.length === 0) return false;
    go('payment');
    return true;
  };

  const bindings: Record<string, (e: KeyboardEvent) => void | boolean> = {
    F12: () => void pay(),
    Enter: (e) => (inControl(e) ? false : pay()),
    F7: () => go('remittance'),
    F8: () => go('closeTill'),
    F9: () => go('receipts'),
    F10: () => void signOut(),
  };
  if (supervisor) {
    bindings['Shift+F9'] = () => go('verify');
    bindings['Shift+F3'] = () => go('referenceData');
    bindings['Shift+F4'] = () => go('sync');
  }
  for (const k of kindUis()) bindings[k.key] = () => setPanel(k.kind);
  useKeys(bindings, panel === null);

  function onAdd(item: ItemInput, opts?: { keepOpen?: boolean }) {
    add(item);
    setFocusLine(lines.length);
    if (!opts?.keepOpen) setPanel(null);
  }

  function onLineKey(e: React.KeyboardEvent<HTMLTableRowElement>, i: number) {
    if (e.key === 'Delete' || e.key === 'Backspace') {
      e.preventDefault();
      remove(i);
      setAnnounce(t('counter.lineRemoved', { n: i + 1 }));
      setFocusLine(lines.length - 1 === 0 ? null : Math.min(i, lines.length - 2));
      if (lines.length === 1) basketRef.current?.focus();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = Math.max(0, Math.min(lines.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)));
      setFocusLine(next);
      tableRef.current?.querySelector<HTMLElement>(`[data-line="${next}"]`)?.focus();
    }
  }

  function onBasketKey(e: React.KeyboardEvent<HTMLDivElement>) {
    if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && e.target === basketRef.current && lines.length > 0) {
      e.preventDefault();
      const i = e.key === 'ArrowDown' ? 0 : lines.length - 1;
      setFocusLine(i);
      tableRef.current?.querySelector<HTMLElement>(`[data-line="${i}"]`)?.focus();
    }
  }

  const open = panel ? kindUi(panel) : undefined;
  const Panel = open?.Panel;
  const services = kindUis();

  return (
    <Screen
      title={t('counter.title')}
      testId="counter"
      wide
      shortcuts={[
        ...services.map((k) => ({ keys: k.key, label: t(k.label), run: () => setPanel(k.kind) })),
        { keys: 'Del', label: t('keys.removeLine'), hidden: lines.length === 0 },
        { keys: 'F12 / Enter', label: t('keys.pay'), run: () => void pay(), hidden: lines.length === 0 },
        { keys: 'F7', label: t('keys.remittance'), run: () => go('remittance') },
        { keys: 'F8', label: t('keys.closeTill'), run: () => go('closeTill') },
        { keys: 'F9', label: t('keys.receipts'), run: () => go('receipts') },
        { keys: 'Shift+F9', label: t('keys.verify'), run: () => go('verify'), hidden: !supervisor },
        { keys: 'Shift+F3', label: t('keys.referenceData'), run: () => go('referenceData'), hidden: !supervisor },
        { keys: 'Shift+F4', label: t('keys.sync'), run: () => go('sync'), hidden: !supervisor },
        { keys: 'F10', label: t('keys.signOut'), run: () => void signOut() },
      ]}
    >
      <StatusLine text={announce ?? (notice ? t(notice.key, notice.params) : null)} />
      <div className="counter-layout">
        <div className="basket" ref={basketRef} tabIndex={-1} onKeyDown={onBasketKey} data-testid="basket" aria-labelledby="basket-title">
          <h2 id="basket-title">{t('counter.basket')}</h2>
          {lines.length === 0 ? (
            <div className="basket-empty" data-testid="basket-empty">
              <p>{t('counter.empty')}</p>
              <ul className="service-keys">
                {services.map((k) => (
                  <li key={k.kind}>
                    <kbd>{k.key}</kbd> {t(k.label)}
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            <table className="lines">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">{t('counter.col.item')}</th>
                  <th scope="col" className="num">
                    {t('counter.col.qty')}
                  </th>
                  <th scope="col" className="num">
                    {t('counter.col.unit')}
                  </th>
                  <th scope="col" className="num">
                    {t('counter.col.amount')}
                  </th>
                </tr>
              </thead>
              <tbody ref={tableRef}>
                {lines.map((_, i) => {
                  const q = quote && quote.lines.length === lines.length ? quote.lines[i] : undefined;
                  const name = q ? lineName(q, locale) : '…';
                  return (
                    <tr key={i} data-line={i} data-testid={`basket-line-${i}`} tabIndex={0} onKeyDown={(e) => onLineKey(e, i)} aria-label={q ? `${i + 1}. ${name}, ${money(q.amountPara + q.feePara)}` : `${i + 1}`}>
                      <td>{i + 1}</td>
                      <td>
                        <div className="line-name">{name}</div>
                        {q
                          ? visibleDetails(q, locale).map(([k, v]) => (
                              <div className="line-detail" key={k} data-detail={k}>
                                {k}: {v}
                              </div>
                            ))
                          : null}
                        {q?.feePara ? <div className="line-detail">{t('counter.fee', { amount: money(q.feePara) })}</div> : null}
                        {(q ? visibleWarnings(q) : []).map((w) => (
                          <div className="line-warning" key={w.code}>
                            {errorText(new ApiError(w.code, w.message))}
                          </div>
                        ))}
                      </td>
                      <td className="num">{q?.quantity ?? ''}</td>
                      <td className="num">{q ? money(q.unitPricePara) : ''}</td>
                      <td className="num">{q ? money(q.amountPara + q.feePara) : ''}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          <ErrorAlert error={quoteError} />
          <div className="basket-total">
            <span>{t('counter.total')}</span>
            <output data-testid="basket-total" aria-live="polite" aria-busy={quoting}>
              {quoting ? t('counter.quoting') : money(quote?.totalPara ?? 0)}
            </output>
          </div>
        </div>
        <aside className="till-panel" aria-label={t('header.tillOpen', { amount: money(till?.expectedPara ?? 0) })}>
          <dl>
            <dt>{t('counter.tillFloat')}</dt>
            <dd>{money(till?.floatPara ?? 0)}</dd>
            <dt>{t('counter.tillSales')}</dt>
            <dd data-testid="till-sales">{till?.salesCount ?? 0}</dd>
            <dt>{t('counter.tillExpected')}</dt>
            <dd data-testid="till-expected">{money(till?.expectedPara ?? 0)}</dd>
          </dl>
          <h2>{t('counter.services')}</h2>
          <div className="service-buttons">
            {services.map((k) => (
              <button type="button" key={k.kind} onClick={() => setPanel(k.kind)} data-testid={`service-${k.kind}`}>
                <kbd>{k.key}</kbd> {t(k.label)}
              </button>
            ))}
          </div>
        </aside>
      </div>
      {Panel ? <Panel onAdd={onAdd} onClose={() => setPanel(null)} /> : null}
    </Screen>
  );
}
