import type React from 'react';
import { useEffect, useMemo, useState } from 'react';
import { Screen } from '../components/Screen.js';
import { Field } from '../components/Field.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { DenominationCount, readCount } from '../components/DenominationCount.js';
import { money, useT } from '../i18n/index.js';
import { advanceOnEnter, useKeys } from '../keyboard.js';
import { call } from '../client.js';
import { toApiError, type ApiError } from '../api.js';
import { useApp } from '../stores/app.js';
import { useSession } from '../stores/session.js';
import { useDenominations } from '../denominations.js';
import { refreshTill } from '../flow.js';

export function CloseTillScreen() {
  const t = useT();
  const go = useApp((s) => s.go);
  const till = useSession((s) => s.till);
  const { denominations, error: loadError } = useDenominations();
  const [pieces, setPieces] = useState<Record<string, string>>({});
  const [reason, setReason] = useState('');
  const [showRules, setShowRules] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  // Expected cash is the server's sum of postings, read fresh when counting starts.
  useEffect(() => {
    void refreshTill().catch((e: unknown) => setError(toApiError(e)));
  }, []);

  useKeys({ Escape: () => go('counter') });

  const counted = useMemo(() => readCount(denominations ?? [], pieces), [denominations, pieces]);
  const expected = till?.expectedPara ?? 0;
  const difference = counted.total - expected;
  const reasonMissing = difference !== 0 && reason.trim().length < 3;

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (busy || !denominations || !till) return;
    setShowRules(true);
    if (counted.invalid.size > 0) return;
    if (reasonMissing) {
      document.getElementById('close-reason')?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const closed = await call('till.close', { count: counted.count, ...(reason.trim() ? { reason: reason.trim() } : {}) });
      useSession.getState().setTill(null);
      useApp.getState().tillClosed(closed);
    } catch (ex) {
      const ae = toApiError(ex);
      setError(ae);
      setBusy(false);
      if (ae.code === 'DIFFERENCE_REASON_REQUIRED') {
        void refreshTill();
        document.getElementById('close-reason')?.focus();
      }
    }
  }

  return (
    <Screen
      title={t('closeTill.title')}
      testId="closeTill"
      wide
      shortcuts={[
        { keys: 'Enter', label: t('keys.next') },
        { keys: 'Esc', label: t('keys.back'), run: () => go('counter') },
      ]}
    >
      <p className="intro">{t('closeTill.intro')}</p>
      <ErrorAlert error={loadError} />
      {denominations ? (
        <form className="form" onSubmit={submit} onKeyDown={advanceOnEnter} noValidate>
          <DenominationCount
            denominations={denominations}
            pieces={pieces}
            idPrefix="close"
            invalid={showRules ? counted.invalid : new Set()}
            onChange={(k, v) => setPieces({ ...pieces, [k]: v })}
          />
          <div className="totals totals-three" aria-live="polite">
            <div className="total-row">
              <span>{t('closeTill.expected')}</span>
              <output data-testid="close-expected">{money(expected)}</output>
            </div>
            <div className="total-row">
              <span>{t('closeTill.counted')}</span>
              <output data-testid="close-counted">{money(counted.total)}</output>
            </div>
            <div className={`total-row${difference < 0 ? ' negative' : difference > 0 ? ' positive' : ''}`}>
              <span>{t('closeTill.difference')}</span>
              <output data-testid="close-difference">{money(difference)}</output>
            </div>
          </div>
          <Field
            id="close-reason"
            label={t('closeTill.reason')}
            maxLength={500}
            wide
            value={reason}
            required={difference !== 0}
            aria-required={difference !== 0}
            onChange={(e) => setReason(e.target.value)}
            error={showRules && reasonMissing ? t('rule.reason') : null}
          />
          <ErrorAlert error={error} />
          <div className="actions">
            <button type="button" onClick={() => go('counter')}>
              {t('keys.back')} <kbd>Esc</kbd>
            </button>
            <button type="submit" className="primary" disabled={busy} data-testid="close-submit">
              {busy ? t('common.working') : t('closeTill.submit')} <kbd>Enter</kbd>
            </button>
          </div>
        </form>
      ) : null}
    </Screen>
  );
}
