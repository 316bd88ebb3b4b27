import { useFocusSoon } from '../useFocusSoon.js';
import type React from 'react';
import { useEffect, useRef, useState } from 'react';
import { Screen } from '../components/Screen.js';
import { Field } from '../components/Field.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { money, moneyPlain, useT } from '../i18n/index.js';
import type { MessageKey, Params } from '../i18n/messages.js';
import { useKeys } from '../keyboard.js';
import { parseMoney } from '../../domain/money.js';
import { call } from '../client.js';
import { toApiError, type ApiError } from '../api.js';
import { useBasket } from '../stores/basket.js';
import { useApp } from '../stores/app.js';
import { refreshTill } from '../flow.js';

type Tender = 'cash' | 'card';

function parseAmount(text: string): number | null {
  try {
    return parseMoney(text);
  } catch {
    return null;
  }
}

export function PaymentScreen() {
  const t = useT();
  const { lines, quote, quoting, openCheckout, closeCheckout, requote, completed, attempt, setAttempt } = useBasket();
  const go = useApp((s) => s.go);
  const first = attempt?.tenders[0];
  const [tender, setTender] = useState<Tender>(first?.type ?? 'cash');
  const [given, setGiven] = useState(first?.type === 'cash' ? moneyPlain(first.amountPara) : '');
  const [cardRef, setCardRef] = useState(first?.cardRef ?? '');
  /** An unanswered attempt is retried exactly as it was sent. */
  const frozen = attempt !== null;
  const [rule, setRule] = useState<MessageKey | null>(null);
  const [ruleParams, setRuleParams] = useState<Params | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [info, setInfo] = useState<string | null>(frozen ? t('payment.retry') : null);
  const [busy, setBusy] = useState(false);
  const inFlight = useRef(false);
  const givenRef = useRef<HTMLInputElement>(null);
  const cardRefRef = useRef<HTMLInputElement>(null);
  const focusSoon = useFocusSoon();

  // The checkout's operation id is born here and lives until this checkout ends.
  useEffect(() => {
    openCheckout();
    if (!quote && lines.length > 0) void requote();
  }, []);

  useEffect(() => {
    if (lines.length === 0 && !inFlight.current) go('counter');
  }, [lines.length, go]);

  const total = quote?.totalPara ?? null;
  const givenPara = tender === 'cash' ? parseAmount(given) : total;
  const change = total !== null && givenPara !== null ? givenPara - total : null;

  function chooseTender(next: Tender) {
    if (frozen) return;
    setTender(next);
    setRule(null);
    setError(null);
    focusSoon(() => (next === 'cash' ? givenRef.current : cardRefRef.current));
  }

  function back() {
    if (inFlight.current) return;
    closeCheckout();
    go('counter');
  }

  useKeys({
    Escape: back,
    F2: () => chooseTender('cash'),
    F3: () => chooseTender('card'),
    F4: () => {
      if (total !== null && !frozen) {
        chooseTender('cash');
        setGiven(moneyPlain(total));
      }
    },
  });

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (inFlight.current || quoting || total === null) return;
    setRule(null);
    setInfo(null);
    let tenders: { type: Tender; amountPara: number; cardRef?: string }[];
    let expectedTotalPara = total;
    if (attempt) {
      tenders = attempt.tenders;
      expectedTotalPara = attempt.expectedTotalPara;
    } else if (tender === 'cash') {
      const amount = parseAmount(given);
      if (amount === null) {
        setRule('rule.amount');
        givenRef.current?.focus();
        return;
      }
      if (amount < total) {
        setRule('rule.tenderShort');
        setRuleParams({ missing: money(total - amount) });
        givenRef.current?.focus();
        return;
      }
      tenders = [{ type: 'cash', amountPara: amount }];
    } else {
      tenders = [{ type: 'card', amountPara: total, ...(cardRef.trim() ? { cardRef: cardRef.trim().slice(0, 32) } : {}) }];
    }
    const operationId = openCheckout();
    setAttempt({ tenders, expectedTotalPara });
    inFlight.current = true;
    setBusy(true);
    setError(null);
    try {
      const receipt = await call('counter.checkout', { operationId, items: lines, tenders, expectedTotalPara });
      completed(receipt);
      void refreshTill().catch(() => undefined);
      go('receipt');
    } catch (ex) {
      const ae = toApiError(ex);
      inFlight.current = false;
      setBusy(false);
      const unanswered = ae.code === 'NETWORK' || ae.code === 'BAD_RESPONSE';
      // Any answer from the server means nothing was committed: the tender may change again.
      if (!unanswered) setAttempt(null);
      if (ae.code === 'PRICE_CHANGED') {
        const fresh = await requote();
        setInfo(t('payment.priceChanged', { total: money(fresh?.totalPara ?? Number(ae.details?.totalPara ?? 0)) }));
        setError(null);
      } else if (unanswered) {
        setError(ae);
        setInfo(t('payment.retry'));
      } else {
        setError(ae);
      }
      (tender === 'cash' ? givenRef.current : cardRefRef.current)?.focus();
    }
  }

  const ruleText = rule ? t(rule, ruleParams) : null;
  return (
    <Screen
      title={t('payment.title')}
      testId="payment"
      shortcuts={[
        { keys: 'F2', label: t('keys.cash'), run: () => chooseTender('cash') },
        { keys: 'F3', label: t('keys.card'), run: () => chooseTender('card') },
        { keys: 'F4', label: t('payment.exact') },
        { keys: 'Enter', label: t('keys.submit') },
        { keys: 'Esc', label: t('keys.back'), run: back },
      ]}
    >
      <form className="form payment" onSubmit={submit} noValidate aria-busy={busy}>
        <div className="payment-total">
          <span>{t('payment.total')}</span>
          <output data-testid="payment-total">{quoting || total === null ? t('counter.quoting') : money(total)}</output>
        </div>
        <fieldset className="tender-choice">
          <legend>{t('payment.tender')}</legend>
          {(['cash', 'card'] as const).map((k) => (
            <label key={k} className={tender === k ? 'choice choice-on' : 'choice'}>
              <input type="radio" name="tender" value={k} checked={tender === k} disabled={frozen && tender !== k} onChange={() => chooseTender(k)} data-testid={`tender-${k}`} />
              <kbd>{k === 'cash' ? 'F2' : 'F3'}</kbd> {t(k === 'cash' ? 'payment.cash' : 'payment.card')}
            </label>
          ))}
        </fieldset>
        {tender === 'cash' ? (
          <Field
            id="payment-given"
            ref={givenRef}
            label={t('payment.cashGiven')}
            inputMode="decimal"
            className="big-input"
            value={given}
            readOnly={frozen}
            autoFocus
            advance={false}
            onChange={(e) => {
              setGiven(e.target.value);
              setRule(null);
            }}
            error={ruleText}
            hint={`F4 ${t('payment.exact')}: ${total !== null ? moneyPlain(total) : ''}`}
          />
        ) : (
          <>
            <p className="hint">{t('payment.cardNote')}</p>
            <Field id="payment-cardRef" ref={cardRefRef} label={t('payment.cardRef')} maxLength={32} value={cardRef} readOnly={frozen} autoFocus advance={false} onChange={(e) => setCardRef(e.target.value)} />
          </>
        )}
        <div className="payment-change">
          <span>{t('payment.change')}</span>
          <output data-testid="payment-change" aria-live="polite" className={change !== null && change < 0 ? 'negative' : undefined}>
            {change === null ? '—' : money(Math.max(0, change))}
          </output>
        </div>
        <ErrorAlert error={error} />
        {info ? (
          <div role="alert" className="alert alert-warn" data-testid="payment-info">
            {info}
          </div>
        ) : null}
        <div className="actions">
          <button type="button" onClick={back} disabled={busy}>
            {t('keys.back')} <kbd>Esc</kbd>
          </button>
          <button type="submit" className="primary" disabled={busy || quoting || total === null} data-testid="payment-confirm">
            {busy ? t('payment.working') : t('payment.confirm')} <kbd>Enter</kbd>
          </button>
        </div>
      </form>
    </Screen>
  );
}
