import type React from 'react';
import { useState } from 'react';
import { Screen } from '../components/Screen.js';
import { Field } from '../components/Field.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { useT } from '../i18n/index.js';
import type { MessageKey } from '../i18n/messages.js';
import { advanceOnEnter } from '../keyboard.js';
import { call } from '../client.js';
import { toApiError, type ApiError } from '../api.js';
import { useApp } from '../stores/app.js';
import { useSession } from '../stores/session.js';

type Key = 'branchCode' | 'counterNo' | 'personalNo' | 'name' | 'pin' | 'pin2';

function rules(v: Record<Key, string>): Partial<Record<Key, MessageKey>> {
  const out: Partial<Record<Key, MessageKey>> = {};
  if (!/^\d{5}$/.test(v.branchCode.trim())) out.branchCode = 'rule.branchCode';
  if (!/^\d{1,2}$/.test(v.counterNo.trim()) || Number(v.counterNo) < 1) out.counterNo = 'rule.counterNo';
  if (!/^\d{4,13}$/.test(v.personalNo.trim())) out.personalNo = 'rule.personalNo';
  if (v.name.trim().length < 1 || v.name.trim().length > 80) out.name = 'rule.name';
  if (!/^\d{4,8}$/.test(v.pin)) out.pin = 'rule.pin';
  else if (v.pin2 !== v.pin) out.pin2 = 'rule.pinMatch';
  return out;
}

/** Server field paths → this form's fields. */
const SERVER_FIELDS: Record<string, Key> = { branchCode: 'branchCode', counterNo: 'counterNo', 'supervisor.personalNo': 'personalNo', 'supervisor.name': 'name', 'supervisor.pin': 'pin' };

export function SetupScreen() {
  const t = useT();
  const [v, setV] = useState<Record<Key, string>>({ branchCode: '', counterNo: '1', personalNo: '', name: '', pin: '', pin2: '' });
  const [shown, setShown] = useState<Partial<Record<Key, MessageKey>>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: Key) => (e: React.ChangeEvent<HTMLInputElement>) => {
    setV({ ...v, [k]: e.target.value });
    if (shown[k]) setShown({ ...shown, [k]: undefined });
  };
  const err = (k: Key) => (shown[k] ? t(shown[k]) : null);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (busy) return;
    const broken = rules(v);
    setShown(broken);
    setError(null);
    const first = Object.keys(broken)[0];
    if (first) {
      document.getElementById(`setup-${first}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const info = await call('setup.init', {
        branchCode: v.branchCode.trim(),
        counterNo: Number(v.counterNo),
        supervisor: { personalNo: v.personalNo.trim(), name: v.name.trim(), pin: v.pin },
      });
      useSession.getState().setSystem(info);
      useApp.getState().go('signIn', { key: 'setup.done' });
    } catch (ex) {
      const ae = toApiError(ex);
      const field = ae.field ? SERVER_FIELDS[ae.field] : undefined;
      if (field && ae.code === 'VALIDATION_FAILED') setShown({ [field]: rulesKeyFor(field) });
      setError(ae);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Screen title={t('setup.title')} testId="setup" shortcuts={[{ keys: 'Enter', label: t('keys.next') }]}>
      <p className="intro">{t('setup.intro')}</p>
      <form className="form" onSubmit={submit} onKeyDown={advanceOnEnter} noValidate aria-describedby={error ? 'setup-error' : undefined}>
        <fieldset>
          <legend>{t('setup.counterSection')}</legend>
          <div className="row">
            <Field id="setup-branchCode" label={t('setup.branchCode')} inputMode="numeric" maxLength={5} value={v.branchCode} onChange={set('branchCode')} error={err('branchCode')} autoFocus />
            <Field id="setup-counterNo" label={t('setup.counterNo')} inputMode="numeric" maxLength={2} value={v.counterNo} onChange={set('counterNo')} error={err('counterNo')} />
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('setup.supervisorSection')}</legend>
          <div className="row">
            <Field id="setup-personalNo" label={t('setup.personalNo')} inputMode="numeric" maxLength={13} value={v.personalNo} onChange={set('personalNo')} error={err('personalNo')} />
            <Field id="setup-name" label={t('setup.name')} maxLength={80} value={v.name} onChange={set('name')} error={err('name')} wide />
          </div>
          <div className="row">
            <Field id="setup-pin" label={t('setup.pin')} type="password" inputMode="numeric" maxLength={8} value={v.pin} onChange={set('pin')} error={err('pin')} />
            <Field id="setup-pin2" label={t('setup.pin2')} type="password" inputMode="numeric" maxLength={8} value={v.pin2} onChange={set('pin2')} error={err('pin2')} />
          </div>
        </fieldset>
        {Object.values(shown).some(Boolean) && !error ? <ErrorAlert text={t('form.invalid')} /> : <ErrorAlert error={error} />}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy} data-testid="setup-submit">
            {busy ? t('common.working') : t('setup.submit')} <kbd>Enter</kbd>
          </button>
        </div>
      </form>
    </Screen>
  );
}

function rulesKeyFor(k: Key): MessageKey {
  return ({ branchCode: 'rule.branchCode', counterNo: 'rule.counterNo', personalNo: 'rule.personalNo', name: 'rule.name', pin: 'rule.pin', pin2: 'rule.pinMatch' } as const)[k];
}
