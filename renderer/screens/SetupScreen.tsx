import type React from 'react';
import { useEffect, useRef, useState } from 'react';
import { Screen } from '../components/Screen.js';
import { Field } from '../components/Field.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { useErrorText, useT } from '../i18n/index.js';
import type { MessageKey } from '../i18n/messages.js';
import { advanceOnEnter, useKeys } from '../keyboard.js';
import { call } from '../client.js';
import { toApiError, type ApiError } from '../api.js';
import { useApp } from '../stores/app.js';
import { useSession } from '../stores/session.js';
import { useSync } from '../stores/sync.js';
import { resume } from '../flow.js';

type Key = 'branchCode' | 'counterNo' | 'personalNo' | 'name' | 'pin' | 'pin2' | 'serverUrl' | 'enrollCode';

/** The optional pair: both or neither; when `required`, both. */
export function enrollRules(serverUrl: string, code: string, required = false): { serverUrl?: MessageKey; enrollCode?: MessageKey } {
  const url = serverUrl.trim();
  const c = code.trim();
  if (!url && !c && !required) return {};
  const out: { serverUrl?: MessageKey; enrollCode?: MessageKey } = {};
  if (!url) out.serverUrl = 'rule.serverUrlNeeded';
  else if (!/^https?:\/\/[^\s/]+\S*$/i.test(url)) out.serverUrl = 'rule.serverUrl';
  if (!c) out.enrollCode = 'rule.enrollCodeNeeded';
  else if (c.replace(/[\s-]/g, '').length < 8 || !/^[A-Za-z0-9\s-]+$/.test(c)) out.enrollCode = 'rule.enrollCode';
  return out;
}

function rules(v: Record<Key, string>): Partial<Record<Key, MessageKey>> {
  const out: Partial<Record<Key, MessageKey>> = { ...enrollRules(v.serverUrl, v.enrollCode) };
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
  const errorText = useErrorText();
  const [v, setV] = useState<Record<Key, string>>({ branchCode: '', counterNo: '1', personalNo: '', name: '', pin: '', pin2: '', serverUrl: '', enrollCode: '' });
  const [shown, setShown] = useState<Partial<Record<Key, MessageKey>>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  /** The counter is set up; only connecting it to the centre failed, and may be tried again. */
  const [enrollFailed, setEnrollFailed] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);
  const set = (k: Key) => (e: React.ChangeEvent<HTMLInputElement>) => {
    setV({ ...v, [k]: e.target.value });
    if (shown[k]) setShown({ ...shown, [k]: undefined });
  };
  const err = (k: Key) => (shown[k] ? t(shown[k]) : null);

  // After a failed enrollment (once drawn): the field to correct gets the keys, and the reason below it is scrolled into sight.
  useEffect(() => {
    if (!enrollFailed || !error) return;
    const onUrl = error.field === 'serverUrl' || error.code === 'SYNC_UNREACHABLE' || error.code === 'NETWORK';
    const el = document.getElementById(onUrl ? 'setup-serverUrl' : 'setup-enrollCode') as HTMLInputElement | null;
    el?.focus();
    el?.select();
    document.getElementById('setup-error')?.scrollIntoView({ block: 'nearest' });
  }, [enrollFailed, error]);

  /** Esc after a failed enrollment: on without the centre, signed in as the new supervisor. */
  async function skip() {
    if (busy) return;
    if (useSession.getState().token) await resume();
    else useApp.getState().go('signIn', { key: 'setup.done' });
  }
  useKeys({ Escape: () => void skip() }, enrollFailed);

  /** Signs in as the new supervisor (the centre's code is a supervisor's to spend) and enrolls. */
  async function connect() {
    try {
      if (!useSession.getState().token) {
        const r = await call('auth.signIn', { personalNo: v.personalNo.trim(), pin: v.pin });
        useSession.getState().signedIn(r);
      }
      const status = await call('sync.enroll', { serverUrl: v.serverUrl.trim(), code: v.enrollCode.trim() });
      useSync.getState().setStatus(status);
      await resume();
    } catch (ex) {
      const ae = toApiError(ex);
      setEnrollFailed(true);
      setError(ae);
      setBusy(false);
      if (ae.field === 'serverUrl' && ae.code === 'VALIDATION_FAILED') setShown({ serverUrl: 'rule.serverUrl' });
    }
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (busy) return;
    const broken = enrollFailed ? enrollRules(v.serverUrl, v.enrollCode, true) : rules(v);
    setShown(broken);
    setError(null);
    const first = Object.keys(broken)[0];
    if (first) {
      document.getElementById(`setup-${first}`)?.focus();
      return;
    }
    setBusy(true);
    if (enrollFailed) {
      await connect();
      return;
    }
    try {
      const info = await call('setup.init', {
        branchCode: v.branchCode.trim(),
        counterNo: Number(v.counterNo),
        supervisor: { personalNo: v.personalNo.trim(), name: v.name.trim(), pin: v.pin },
      });
      useSession.getState().setSystem(info);
    } catch (ex) {
      const ae = toApiError(ex);
      const field = ae.field ? SERVER_FIELDS[ae.field] : undefined;
      if (field && ae.code === 'VALIDATION_FAILED') setShown({ [field]: rulesKeyFor(field) });
      setError(ae);
      setBusy(false);
      return;
    }
    if (v.serverUrl.trim()) {
      await connect();
      return;
    }
    setBusy(false);
    useApp.getState().go('signIn', { key: 'setup.done' });
  }

  /** Enter in the address moves on to the code while it is empty (the pair sits outside the Enter chain of the form). */
  function onUrlKey(e: React.KeyboardEvent<HTMLInputElement>) {
    if (e.key !== 'Enter' || e.nativeEvent.isComposing || !v.serverUrl.trim() || v.enrollCode.trim()) return;
    e.preventDefault();
    codeRef.current?.focus();
  }

  const shortcuts = enrollFailed
    ? [
        { keys: 'Enter', label: t('setup.enrollRetry') },
        { keys: 'Esc', label: t('setup.enrollSkip'), run: () => void skip() },
      ]
    : [
        { keys: 'Enter', label: t('keys.next') },
        { keys: 'Tab', label: t('setup.syncSection') },
      ];

  return (
    <Screen title={t('setup.title')} testId="setup" shortcuts={shortcuts}>
      <p className="intro">{t('setup.intro')}</p>
      <form className="form" onSubmit={submit} onKeyDown={advanceOnEnter} noValidate aria-describedby={error ? 'setup-error' : undefined}>
        <fieldset disabled={enrollFailed}>
          <legend>{t('setup.counterSection')}</legend>
          <div className="row">
            <Field id="setup-branchCode" label={t('setup.branchCode')} inputMode="numeric" maxLength={5} value={v.branchCode} onChange={set('branchCode')} error={err('branchCode')} autoFocus />
            <Field id="setup-counterNo" label={t('setup.counterNo')} inputMode="numeric" maxLength={2} value={v.counterNo} onChange={set('counterNo')} error={err('counterNo')} />
          </div>
        </fieldset>
        <fieldset disabled={enrollFailed}>
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
        <fieldset className="fieldset-optional">
          <legend>{t('setup.syncSection')}</legend>
          <p className="field-hint" id="setup-sync-hint">
            {t('setup.syncHint')}
          </p>
          <div className="row">
            <Field
              id="setup-serverUrl"
              label={t('setup.serverUrl')}
              type="url"
              inputMode="url"
              maxLength={200}
              placeholder="https://"
              value={v.serverUrl}
              onChange={set('serverUrl')}
              onKeyDown={onUrlKey}
              error={err('serverUrl')}
              advance={false}
              wide
            />
            <Field id="setup-enrollCode" ref={codeRef} label={t('setup.enrollCode')} maxLength={64} value={v.enrollCode} onChange={set('enrollCode')} error={err('enrollCode')} advance={false} className="mono" />
          </div>
        </fieldset>
        {enrollFailed && error ? (
          <div role="alert" className="alert alert-error" data-testid="error" data-code={error.code} id="setup-error">
            {t('setup.enrollFailed', { reason: errorText(error) })}
            <div className="alert-more">{t('setup.enrollRetryHint')}</div>
          </div>
        ) : Object.values(shown).some(Boolean) && !error ? (
          <ErrorAlert text={t('form.invalid')} />
        ) : (
          <ErrorAlert error={error} />
        )}
        <div className="actions">
          {enrollFailed ? (
            <button type="button" onClick={() => void skip()} disabled={busy} data-testid="setup-skip">
              {t('setup.enrollSkip')} <kbd>Esc</kbd>
            </button>
          ) : null}
          <button type="submit" className="primary" disabled={busy} data-testid="setup-submit">
            {busy ? t('common.working') : t(enrollFailed ? 'setup.enrollRetry' : 'setup.submit')} <kbd>Enter</kbd>
          </button>
        </div>
      </form>
    </Screen>
  );
}

function rulesKeyFor(k: Key): MessageKey {
  return ({ branchCode: 'rule.branchCode', counterNo: 'rule.counterNo', personalNo: 'rule.personalNo', name: 'rule.name', pin: 'rule.pin', pin2: 'rule.pinMatch', serverUrl: 'rule.serverUrl', enrollCode: 'rule.enrollCode' } as const)[k];
}
