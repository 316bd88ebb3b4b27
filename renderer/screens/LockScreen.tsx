import type React from 'react';
import { useRef, useState } from 'react';
import { Screen } from '../components/Screen.js';
import { Field } from '../components/Field.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { useT } from '../i18n/index.js';
import { useKeys } from '../keyboard.js';
import { call } from '../client.js';
import { toApiError, type ApiError } from '../api.js';
import { useSession } from '../stores/session.js';
import { refreshTill, resume, signOut } from '../flow.js';
import { useApp } from '../stores/app.js';

/** Covers whatever screen was up; the clerk's basket and step wait behind it. */
export function LockScreen() {
  const t = useT();
  const clerk = useSession((s) => s.clerk);
  const [pin, setPin] = useState('');
  const [rule, setRule] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const pinRef = useRef<HTMLInputElement>(null);

  useKeys({ F10: () => void signOut() });

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (!/^\d{4,8}$/.test(pin)) {
      setRule(true);
      pinRef.current?.focus();
      return;
    }
    setRule(false);
    setBusy(true);
    setError(null);
    try {
      await call('auth.unlock', { pin });
      useSession.getState().setLocked(false);
      // Back to the very step that was covered; only a locked start-up has none yet.
      if (useApp.getState().screen === 'boot') await resume();
      else void refreshTill().catch(() => undefined);
    } catch (ex) {
      setError(toApiError(ex));
      setPin('');
      setBusy(false);
      pinRef.current?.focus();
    }
  }

  return (
    <Screen title={t('lock.title')} testId="lock" shortcuts={[{ keys: 'Enter', label: t('keys.unlock') }, { keys: 'F10', label: t('keys.signOut'), run: () => void signOut() }]}>
      <p className="intro">{t('lock.intro', { name: clerk?.name ?? '' })}</p>
      <form className="form form-narrow" onSubmit={submit} noValidate>
        <Field id="lock-pin" ref={pinRef} label={t('lock.pin')} type="password" inputMode="numeric" maxLength={8} value={pin} advance={false} autoFocus onChange={(e) => setPin(e.target.value)} error={rule ? t('rule.pin') : null} />
        <ErrorAlert error={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy} data-testid="lock-submit">
            {busy ? t('common.working') : t('lock.unlock')} <kbd>Enter</kbd>
          </button>
        </div>
      </form>
    </Screen>
  );
}
