import type React from 'react';
import { useRef, useState } from 'react';
import { Screen } from '../components/Screen.js';
import { Field } from '../components/Field.js';
import { ErrorAlert, StatusLine } from '../components/ErrorAlert.js';
import { useT } from '../i18n/index.js';
import type { MessageKey } from '../i18n/messages.js';
import { advanceOnEnter } from '../keyboard.js';
import { call } from '../client.js';
import { toApiError, type ApiError } from '../api.js';
import { useApp } from '../stores/app.js';
import { useSession } from '../stores/session.js';
import { resume } from '../flow.js';

export function SignInScreen() {
  const t = useT();
  const notice = useApp((s) => s.notice);
  const [personalNo, setPersonalNo] = useState('');
  const [pin, setPin] = useState('');
  const [rule, setRule] = useState<{ personalNo?: MessageKey; pin?: MessageKey }>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const pinRef = useRef<HTMLInputElement>(null);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (busy) return;
    const broken: typeof rule = {};
    if (!/^\d{4,13}$/.test(personalNo.trim())) broken.personalNo = 'rule.personalNo';
    if (!/^\d{4,8}$/.test(pin)) broken.pin = 'rule.pin';
    setRule(broken);
    setError(null);
    if (broken.personalNo || broken.pin) {
      document.getElementById(broken.personalNo ? 'signin-personalNo' : 'signin-pin')?.focus();
      return;
    }
    setBusy(true);
    try {
      const r = await call('auth.signIn', { personalNo: personalNo.trim(), pin });
      useSession.getState().signedIn(r);
      await resume();
    } catch (ex) {
      setError(toApiError(ex));
      setPin('');
      setBusy(false);
      pinRef.current?.focus();
    }
  }

  return (
    <Screen title={t('signIn.title')} testId="signIn" shortcuts={[{ keys: 'Enter', label: t('keys.next') }]}>
      <StatusLine text={notice ? t(notice.key, notice.params) : null} />
      <p className="intro">{t('signIn.intro')}</p>
      <form className="form form-narrow" onSubmit={submit} onKeyDown={advanceOnEnter} noValidate>
        <Field id="signin-personalNo" label={t('signIn.personalNo')} inputMode="numeric" maxLength={13} value={personalNo} onChange={(e) => setPersonalNo(e.target.value)} error={rule.personalNo ? t(rule.personalNo) : null} autoFocus />
        <Field id="signin-pin" ref={pinRef} label={t('signIn.pin')} type="password" inputMode="numeric" maxLength={8} value={pin} onChange={(e) => setPin(e.target.value)} error={rule.pin ? t(rule.pin) : null} />
        <ErrorAlert error={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy} data-testid="signin-submit">
            {busy ? t('common.working') : t('signIn.submit')} <kbd>Enter</kbd>
          </button>
        </div>
      </form>
    </Screen>
  );
}
