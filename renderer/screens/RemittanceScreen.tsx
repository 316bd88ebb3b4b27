import type React from 'react';
import { useRef, useState } from 'react';
import { Screen } from '../components/Screen.js';
import { Field } from '../components/Field.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { money, useErrorText, useT } from '../i18n/index.js';
import type { MessageKey } from '../i18n/messages.js';
import { advanceOnEnter, useKeys } from '../keyboard.js';
import { parseMoney } from '../../domain/money.js';
import { call } from '../client.js';
import { toApiError, type ApiError } from '../api.js';
import { useApp } from '../stores/app.js';
import { useSession } from '../stores/session.js';

type Direction = 'in' | 'out';

export function RemittanceScreen() {
  const t = useT();
  const go = useApp((s) => s.go);
  const till = useSession((s) => s.till);
  const [direction, setDirection] = useState<Direction>('in');
  const [amount, setAmount] = useState('');
  const [reference, setReference] = useState('');
  const [rules, setRules] = useState<{ amount?: MessageKey; reference?: MessageKey }>({});
  /** A refusal the server tied to the amount (more out than the till holds). */
  const [amountRefused, setAmountRefused] = useState<ApiError | null>(null);
  const errorText = useErrorText();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const amountRef = useRef<HTMLInputElement>(null);

  function choose(d: Direction) {
    setDirection(d);
    amountRef.current?.focus();
  }

  useKeys({ Escape: () => go('counter'), F2: () => choose('in'), F3: () => choose('out') });

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (busy) return;
    const broken: typeof rules = {};
    let amountPara = 0;
    try {
      amountPara = parseMoney(amount);
      if (amountPara <= 0) broken.amount = 'rule.amountPositive';
    } catch {
      broken.amount = 'rule.amount';
    }
    const ref = reference.trim();
    if (ref.length < 1 || ref.length > 40) broken.reference = 'rule.reference';
    setRules(broken);
    setError(null);
    setAmountRefused(null);
    if (broken.amount || broken.reference) {
      document.getElementById(broken.amount ? 'remit-amount' : 'remit-reference')?.focus();
      return;
    }
    setBusy(true);
    try {
      const next = await call('till.remittance', { direction, amountPara, reference: ref });
      useSession.getState().setTill(next);
      go('counter', { key: direction === 'in' ? 'remittance.doneIn' : 'remittance.doneOut', params: { amount: money(amountPara) } });
    } catch (ex) {
      const ae = toApiError(ex);
      if (ae.field === 'amountPara') setAmountRefused(ae);
      else setError(ae);
      setBusy(false);
      amountRef.current?.focus();
    }
  }

  return (
    <Screen
      title={t('remittance.title')}
      testId="remittance"
      shortcuts={[
        { keys: 'F2', label: t('keys.in'), run: () => choose('in') },
        { keys: 'F3', label: t('keys.out'), run: () => choose('out') },
        { keys: 'Enter', label: t('keys.next') },
        { keys: 'Esc', label: t('keys.back'), run: () => go('counter') },
      ]}
    >
      <p className="intro">{t('remittance.intro')}</p>
      <p data-testid="remit-cash">{t('remittance.cashNow', { amount: money(till?.expectedPara ?? 0) })}</p>
      <form className="form form-narrow" onSubmit={submit} onKeyDown={advanceOnEnter} noValidate>
        <fieldset className="tender-choice">
          <legend>{t('remittance.direction')}</legend>
          {(['in', 'out'] as const).map((d) => (
            <label key={d} className={direction === d ? 'choice choice-on' : 'choice'}>
              <input type="radio" name="direction" value={d} checked={direction === d} onChange={() => setDirection(d)} data-testid={`remit-${d}`} />
              <kbd>{d === 'in' ? 'F2' : 'F3'}</kbd> {t(d === 'in' ? 'remittance.in' : 'remittance.out')}
            </label>
          ))}
        </fieldset>
        <Field id="remit-amount" ref={amountRef} label={t('remittance.amount')} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} error={rules.amount ? t(rules.amount) : amountRefused ? errorText(amountRefused) : null} autoFocus />
        <Field id="remit-reference" label={t('remittance.reference')} maxLength={40} value={reference} onChange={(e) => setReference(e.target.value)} error={rules.reference ? t(rules.reference) : null} />
        <ErrorAlert error={error} />
        <div className="actions">
          <button type="button" onClick={() => go('counter')}>
            {t('keys.back')} <kbd>Esc</kbd>
          </button>
          <button type="submit" className="primary" disabled={busy} data-testid="remit-submit">
            {busy ? t('common.working') : t('remittance.submit')} <kbd>Enter</kbd>
          </button>
        </div>
      </form>
    </Screen>
  );
}
