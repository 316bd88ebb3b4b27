import type React from 'react';
import { useMemo, useState } from 'react';
import { Screen } from '../components/Screen.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { DenominationCount, readCount } from '../components/DenominationCount.js';
import { money, useT } from '../i18n/index.js';
import { advanceOnEnter, useKeys } from '../keyboard.js';
import { call } from '../client.js';
import { toApiError, type ApiError } from '../api.js';
import { useApp } from '../stores/app.js';
import { isSupervisor, useSession } from '../stores/session.js';
import { useDenominations } from '../denominations.js';
import { refreshTill, signOut } from '../flow.js';

export function OpenTillScreen() {
  const t = useT();
  const { denominations, error: loadError } = useDenominations();
  const [pieces, setPieces] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [showInvalid, setShowInvalid] = useState(false);
  const [busy, setBusy] = useState(false);
  const result = useMemo(() => readCount(denominations ?? [], pieces), [denominations, pieces]);

  // A supervisor may enroll the counter with the centre before opening a till (Shift+F4, as on the counter screen).
  const supervisor = useSession(isSupervisor);
  const keys: Record<string, () => void> = { F10: () => void signOut() };
  if (supervisor) keys['Shift+F4'] = () => useApp.getState().go('sync');
  useKeys(keys);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (busy || !denominations) return;
    if (result.invalid.size > 0) {
      setShowInvalid(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const till = await call('till.open', { count: result.count });
      useSession.getState().setTill(till);
      useApp.getState().go('counter');
    } catch (ex) {
      const ae = toApiError(ex);
      if (ae.code === 'TILL_ALREADY_OPEN') {
        // Opened meanwhile (another window): carry on with that till.
        await refreshTill().catch(() => undefined);
        useApp.getState().go('counter');
        return;
      }
      setError(ae);
      setBusy(false);
    }
  }

  return (
    <Screen
      title={t('openTill.title')}
      testId="openTill"
      shortcuts={[
        { keys: 'Enter', label: t('keys.next') },
        { keys: 'Shift+F4', label: t('keys.sync'), run: () => useApp.getState().go('sync'), hidden: !supervisor },
        { keys: 'F10', label: t('keys.signOut'), run: () => void signOut() },
      ]}
    >
      <p className="intro">{t('openTill.intro')}</p>
      <ErrorAlert error={loadError} />
      {denominations ? (
        <form className="form" onSubmit={submit} onKeyDown={advanceOnEnter} noValidate>
          <DenominationCount
            denominations={denominations}
            pieces={pieces}
            idPrefix="open"
            invalid={showInvalid ? result.invalid : new Set()}
            onChange={(k, val) => setPieces({ ...pieces, [k]: val })}
          />
          <div className="totals">
            <div className="total-row total-main">
              <span>{t('count.total')}</span>
              <output data-testid="open-total" aria-live="polite">
                {money(result.total)}
              </output>
            </div>
          </div>
          {showInvalid && result.invalid.size > 0 ? <ErrorAlert text={t('form.invalid')} /> : <ErrorAlert error={error} />}
          <div className="actions">
            <button type="submit" className="primary" disabled={busy} data-testid="open-submit">
              {busy ? t('common.working') : t('openTill.submit')} <kbd>Enter</kbd>
            </button>
          </div>
        </form>
      ) : null}
    </Screen>
  );
}
