import { useFocusSoon } from '../useFocusSoon.js';
import type React from 'react';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RequestStatusView, SetAsideView } from '../../domain/api.js';
import { Screen } from '../components/Screen.js';
import { Field } from '../components/Field.js';
import { ErrorAlert, StatusLine } from '../components/ErrorAlert.js';
import { SyncProgress, syncStateOf, useWhen } from '../components/SyncBar.js';
import { useErrorText, useFormat, useT } from '../i18n/index.js';
import type { MessageKey } from '../i18n/messages.js';
import { said, say, type Said } from '../i18n/said.js';
import { advanceOnEnter, useKeys } from '../keyboard.js';
import { call } from '../client.js';
import { ApiError, toApiError } from '../api.js';
import { useApp } from '../stores/app.js';
import { useLocale } from '../stores/locale.js';
import { useSession } from '../stores/session.js';
import { useSync } from '../stores/sync.js';
import { enrollRules } from './SetupScreen.js';

type Entity = 'telegram' | 'eid';
const ENTITIES: Entity[] = ['telegram', 'eid'];
const KNOWN_STATUSES = new Set(['accepted', 'sent', 'delivered', 'undeliverable', 'cancelled', 'submitted', 'in_review', 'activated', 'rejected', 'expired']);
/** Rows drawn at once; the list is for a supervisor to read, not a log. */
const MAX_ROWS = 200;

/** A set-aside reason is "CODE: the centre's words": the code in the clerk's language, the words kept for support. */
function splitReason(reason: string): { code: string | null; detail: string } {
  const m = /^([A-Z][A-Z0-9_]{2,}):\s*([\s\S]*)$/.exec(reason);
  return m ? { code: m[1]!, detail: m[2]! } : { code: null, detail: reason };
}

/**
 * The supervisor's view of sync: the status in full, enrollment (first time
 * or again), the events the centre set aside with "resend" per row and for
 * all, and the look-up of a telegram's or an eID request's state. Reached
 * from the counter screen with Shift+F4 (supervisors only).
 */
export function SyncScreen() {
  const t = useT();
  const f = useFormat();
  const when = useWhen();
  const errorText = useErrorText();
  const locale = useLocale((s) => s.locale);
  const go = useApp((s) => s.go);
  const hasTill = useSession((s) => s.till !== null);
  const status = useSync((s) => s.status);
  const running = useSync((s) => s.running);
  const [notice, setNotice] = useState<Said | null>(null);

  const back = () => go(hasTill ? 'counter' : 'openTill');

  // ---- set-aside events
  const [rows, setRows] = useState<SetAsideView[] | null>(null);
  const [listError, setListError] = useState<ApiError | null>(null);
  const [resending, setResending] = useState(false);
  const loadList = useCallback(async () => {
    try {
      setRows(await call('sync.setAside', {}));
      setListError(null);
    } catch (e) {
      setListError(toApiError(e));
    }
  }, []);
  useEffect(() => {
    void loadList();
    void useSync.getState().refresh();
  }, [loadList]);
  // A cycle that ends may have set events aside (or sent resent ones).
  const setAsideCount = status?.setAside;
  useEffect(() => {
    if (setAsideCount !== undefined) void loadList();
  }, [setAsideCount, loadList]);

  async function resend(seq: number | 'all') {
    if (resending) return;
    setResending(true);
    setListError(null);
    try {
      if (seq === 'all') {
        const r = await call('sync.retryAllSetAside', {});
        setNotice(said('sync.resentAll', { n: r.count }));
      } else {
        await call('sync.retrySetAside', { seq });
        setNotice(said('sync.resent', { seq }));
      }
    } catch (e) {
      setListError(toApiError(e));
    } finally {
      setResending(false);
      await loadList();
      await useSync.getState().refresh();
    }
  }

  // ---- enrollment
  const [serverUrl, setServerUrl] = useState('');
  const [code, setCode] = useState('');
  const [enrollRule, setEnrollRule] = useState<{ serverUrl?: MessageKey; enrollCode?: MessageKey }>({});
  const [enrollError, setEnrollError] = useState<ApiError | null>(null);
  const [enrolling, setEnrolling] = useState(false);
  async function enroll(e: React.FormEvent) {
    e.preventDefault();
    if (enrolling) return;
    const broken = enrollRules(serverUrl, code, true);
    setEnrollRule(broken);
    setEnrollError(null);
    if (broken.serverUrl || broken.enrollCode) {
      document.getElementById(broken.serverUrl ? 'sync-serverUrl' : 'sync-enrollCode')?.focus();
      return;
    }
    setEnrolling(true);
    try {
      useSync.getState().setStatus(await call('sync.enroll', { serverUrl: serverUrl.trim(), code: code.trim() }));
      setCode('');
      setNotice(said('sync.enrolledNotice'));
      document.getElementById('lookup-entity')?.focus();
    } catch (ex) {
      const ae = toApiError(ex);
      if (ae.code === 'VALIDATION_FAILED' && ae.field === 'serverUrl') setEnrollRule({ serverUrl: 'rule.serverUrl' });
      setEnrollError(ae);
      document.getElementById(ae.field === 'serverUrl' || ae.code === 'SYNC_UNREACHABLE' ? 'sync-serverUrl' : 'sync-enrollCode')?.focus();
    } finally {
      setEnrolling(false);
    }
  }

  // ---- status look-up
  const [entity, setEntity] = useState<Entity>('telegram');
  const [ref, setRef] = useState('');
  const [refRule, setRefRule] = useState(false);
  const [lookupError, setLookupError] = useState<ApiError | null>(null);
  const [found, setFound] = useState<{ entity: Entity; ref: string; view: RequestStatusView | null } | null>(null);
  const [looking, setLooking] = useState(false);
  const entityRef = useRef<HTMLSelectElement>(null);
  async function lookup(e: React.FormEvent) {
    e.preventDefault();
    if (looking) return;
    const r = ref.trim();
    setLookupError(null);
    if (r.length < 1 || r.length > 64) {
      setRefRule(true);
      document.getElementById('lookup-ref')?.focus();
      return;
    }
    setRefRule(false);
    setLooking(true);
    try {
      setFound({ entity, ref: r, view: await call('status.lookup', { entity, ref: r }) });
    } catch (ex) {
      setFound(null);
      setLookupError(toApiError(ex));
    } finally {
      setLooking(false);
    }
  }

  const enrolled = status?.enrolled === true;
  const list = rows ?? [];
  // Once the status is known, the keys go where the supervisor most likely wants them: enrollment, or the look-up.
  const focused = useRef(false);
  useEffect(() => {
    if (focused.current || !status) return;
    focused.current = true;
    if (!status.enrolled) document.getElementById('sync-serverUrl')?.focus();
    else entityRef.current?.focus();
  }, [status]);
  const focusLookup = () => entityRef.current?.focus();
  const [reenrollOpen, setReenrollOpen] = useState(false);
  const focusSoon = useFocusSoon();
  const focusEnroll = () => {
    setReenrollOpen(true);
    focusSoon(() => document.getElementById('sync-serverUrl'));
  };
  useKeys({
    Escape: back,
    F2: focusLookup,
    F3: focusEnroll,
    F8: () => (list.length > 0 ? void resend('all') : false),
  });

  const state = syncStateOf(status);
  const lastError = status?.lastError ?? null;
  const entityName = (x: Entity) => t(x === 'telegram' ? 'sync.entity.telegram' : 'sync.entity.eid');
  const statusWord = (s: string) => (KNOWN_STATUSES.has(s) ? t(`requestStatus.${s}` as MessageKey) : s);
  const time = (iso: string | null) => (iso ? f.dateTime(iso) : t('sync.none'));

  const statusPanel = (
    <section aria-labelledby="sync-status-title" className="sync-panel">
      <h2 id="sync-status-title">{t('sync.status')}</h2>
      <dl className="sync-facts" data-testid="sync-status" data-state={state}>
        <dt>{t('sync.connection')}</dt>
        <dd data-testid="sync-status-connection" className={state === 'ok' ? 'positive' : state === 'unknown' ? undefined : 'negative'}>
          {status ? t(enrolled ? 'sync.enrolled' : 'sync.notEnrolled') : t('sync.loading')}
        </dd>
        {enrolled ? (
          <>
            <dt>{t('sync.serverUrl')}</dt>
            <dd className="mono">{status?.serverUrl ?? t('sync.none')}</dd>
            <dt>{t('sync.deviceId')}</dt>
            <dd className="mono">{status?.deviceId ?? t('sync.none')}</dd>
          </>
        ) : null}
        <dt>{t('sync.pending')}</dt>
        <dd data-testid="sync-status-pending">{status?.pending ?? t('sync.none')}</dd>
        <dt>{t('sync.setAsideCount')}</dt>
        <dd>{status?.setAside ?? t('sync.none')}</dd>
        <dt>{t('sync.lastSuccess')}</dt>
        <dd>{time(status?.lastSuccessAt ?? null)}</dd>
        <dt>{t('sync.lastAttempt')}</dt>
        <dd>{time(status?.lastAttemptAt ?? null)}</dd>
        {enrolled ? (
          <>
            <dt>{t('sync.nextAttempt')}</dt>
            <dd>{status?.nextAttemptAt ? when(status.nextAttemptAt) : t('sync.none')}</dd>
          </>
        ) : null}
        <dt>{t('sync.lastError')}</dt>
        <dd data-testid="sync-status-error" data-code={lastError?.code}>
          {lastError ? (
            <>
              <span className="negative">{errorText(new ApiError(lastError.code, lastError.message))}</span>
              <span className="muted"> ({time(lastError.at)})</span>
            </>
          ) : (
            t('sync.none')
          )}
        </dd>
      </dl>
      <div className="sync-panel-foot">
        <SyncProgress status={status} running={running} withLabel />
        {enrolled ? (
          <button type="button" onClick={() => void useSync.getState().syncNow()} disabled={running} data-testid="sync-screen-now">
            {t('syncBar.now')} <kbd>Ctrl+S</kbd>
          </button>
        ) : null}
      </div>
    </section>
  );

  const enrollForm = (
    <form className="form" onSubmit={enroll} onKeyDown={advanceOnEnter} noValidate data-testid="sync-enroll">
      <p className="field-hint">{t(enrolled ? 'sync.reenrollIntro' : 'sync.enrollIntro')}</p>
      <Field
        id="sync-serverUrl"
        label={t('setup.serverUrl')}
        type="url"
        inputMode="url"
        maxLength={200}
        placeholder="https://"
        value={serverUrl}
        onChange={(e) => {
          setServerUrl(e.target.value);
          setEnrollRule({ ...enrollRule, serverUrl: undefined });
        }}
        error={enrollRule.serverUrl ? t(enrollRule.serverUrl) : null}
        wide
      />
      <Field
        id="sync-enrollCode"
        label={t('setup.enrollCode')}
        maxLength={64}
        value={code}
        className="mono"
        onChange={(e) => {
          setCode(e.target.value);
          setEnrollRule({ ...enrollRule, enrollCode: undefined });
        }}
        error={enrollRule.enrollCode ? t(enrollRule.enrollCode) : null}
      />
      <ErrorAlert error={enrollError} />
      <div className="actions actions-start">
        <button type="submit" className={enrolled ? undefined : 'primary'} disabled={enrolling} data-testid="sync-enroll-submit">
          {enrolling ? t('common.working') : t('sync.enrollSubmit')} <kbd>Enter</kbd>
        </button>
      </div>
    </form>
  );

  const enrollPanel = enrolled ? (
    <details className="sync-panel sync-reenroll" open={reenrollOpen} onToggle={(e) => setReenrollOpen(e.currentTarget.open)}>
      <summary>
        <h2 id="sync-enroll-title">
          {t('sync.reenrollTitle')} <kbd>F3</kbd>
        </h2>
      </summary>
      {enrollForm}
    </details>
  ) : (
    <section aria-labelledby="sync-enroll-title" className="sync-panel">
      <h2 id="sync-enroll-title">{t('sync.enrollTitle')}</h2>
      {enrollForm}
    </section>
  );

  const lookupPanel = (
    <section aria-labelledby="sync-lookup-title" className="sync-panel">
      <h2 id="sync-lookup-title">{t('sync.lookupTitle')}</h2>
      <p className="field-hint">{t('sync.lookupIntro')}</p>
      <form className="form lookup-form" onSubmit={lookup} onKeyDown={advanceOnEnter} noValidate data-testid="sync-lookup">
        <div className="row">
          <div className="field">
            <label htmlFor="lookup-entity">{t('sync.entity')}</label>
            <select id="lookup-entity" ref={entityRef} data-testid="lookup-entity" data-advance="" value={entity} onChange={(e) => setEntity(e.target.value as Entity)}>
              {ENTITIES.map((x) => (
                <option key={x} value={x}>
                  {entityName(x)}
                </option>
              ))}
            </select>
          </div>
          <Field id="lookup-ref" label={t('sync.ref')} maxLength={64} value={ref} className="mono" onChange={(e) => setRef(e.target.value)} error={refRule ? t('rule.statusRef') : null} wide />
        </div>
        <div className="actions actions-start">
          <button type="submit" className="primary" disabled={looking} data-testid="lookup-submit">
            {t('sync.lookupSubmit')} <kbd>Enter</kbd>
          </button>
        </div>
      </form>
      <ErrorAlert error={lookupError} />
      {found ? (
        <p className={found.view ? 'lookup-result' : 'lookup-result muted'} role="status" data-testid="lookup-result" data-status={found.view?.status ?? ''}>
          {found.view
            ? t('sync.lookupResult', { entity: entityName(found.entity), ref: found.ref, status: statusWord(found.view.status), at: f.dateTime(found.view.at), receivedAt: f.dateTime(found.view.receivedAt) })
            : t('sync.lookupNone', { entity: entityName(found.entity), ref: found.ref })}
        </p>
      ) : null}
    </section>
  );

  const setAsidePanel = (
    <section aria-labelledby="sync-setaside-title" className="sync-panel">
      <div className="toolbar">
        <h2 id="sync-setaside-title">{t('sync.setAsideTitle')}</h2>
        {list.length > 0 ? (
          <button type="button" onClick={() => void resend('all')} disabled={resending} data-testid="setaside-resend-all">
            {t('sync.resendAll')} <kbd>F8</kbd>
          </button>
        ) : null}
      </div>
      <p className="field-hint">{t('sync.setAsideIntro')}</p>
      <ErrorAlert error={listError} />
      {rows === null && !listError ? <p>{t('sync.loading')}</p> : null}
      {rows !== null && rows.length === 0 ? (
        <p className="setaside-empty" data-testid="setaside-empty">
          {t('sync.setAsideEmpty')}
        </p>
      ) : null}
      {list.length > 0 ? (
        <>
          <table className="data setaside-table" data-testid="setaside-list">
            <thead>
              <tr>
                <th scope="col" className="num">
                  {t('sync.col.seq')}
                </th>
                <th scope="col">{t('sync.col.type')}</th>
                <th scope="col">{t('sync.col.created')}</th>
                <th scope="col">{t('sync.col.setAsideAt')}</th>
                <th scope="col">{t('sync.col.reason')}</th>
                <th scope="col">{t('sync.col.declared')}</th>
                <th scope="col">
                  <span className="sr-only">{t('sync.resend')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.slice(0, MAX_ROWS).map((r) => {
                const reason = splitReason(r.reason);
                return (
                  <tr key={r.seq} data-testid={`setaside-row-${r.seq}`}>
                    <td className="num">{r.seq}</td>
                    <td className="mono">{r.type}</td>
                    <td className="when">{f.dateTime(r.createdAt)}</td>
                    <td className="when">{f.dateTime(r.setAsideAt)}</td>
                    <td>
                      {reason.code ? <div>{errorText(new ApiError(reason.code, reason.detail))}</div> : null}
                      {reason.detail ? <div className="line-detail">{reason.detail}</div> : null}
                    </td>
                    <td>{t(r.declared ? 'sync.yes' : 'sync.no')}</td>
                    <td>
                      <button type="button" onClick={() => void resend(r.seq)} disabled={resending} aria-label={t('sync.resendRow', { seq: r.seq })} data-testid={`setaside-resend-${r.seq}`}>
                        {t('sync.resend')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {list.length > MAX_ROWS ? <p className="muted">{t('sync.setAsideMore', { shown: MAX_ROWS, total: list.length })}</p> : null}
        </>
      ) : null}
    </section>
  );

  return (
    <Screen
      title={t('sync.title')}
      testId="sync"
      wide
      shortcuts={[
        { keys: 'F2', label: t('keys.lookup'), run: focusLookup },
        { keys: 'F3', label: t('keys.enroll'), run: focusEnroll },
        { keys: 'F8', label: t('keys.resendAll'), run: () => void resend('all'), hidden: list.length === 0 },
        { keys: 'Esc', label: t('keys.back'), run: back },
      ]}
    >
      <StatusLine text={notice ? say(locale, notice) : null} />
      {/* The everyday look-up beside the status once enrolled; before that, enrollment is the thing to do. */}
      <div className="sync-columns">
        {statusPanel}
        {enrolled ? lookupPanel : enrollPanel}
      </div>
      {enrolled ? null : lookupPanel}
      {setAsidePanel}
      {enrolled ? enrollPanel : null}
    </Screen>
  );
}
