import { useEffect, useState } from 'react';
import type { VerifyReport } from '../../domain/api.js';
import { Screen } from '../components/Screen.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { money, useFormat, useT } from '../i18n/index.js';
import { useKeys } from '../keyboard.js';
import { call } from '../client.js';
import { toApiError, type ApiError } from '../api.js';
import { useApp } from '../stores/app.js';
import { useSession } from '../stores/session.js';

/** The supervisor's check of the books: postings, receipts, tills, the audit chain. */
export function VerifyScreen() {
  const t = useT();
  const f = useFormat();
  const go = useApp((s) => s.go);
  const hasTill = useSession((s) => s.till !== null);
  const [report, setReport] = useState<VerifyReport | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const back = () => go(hasTill ? 'counter' : useApp.getState().closedTill ? 'tillClosed' : 'openTill');

  useEffect(() => {
    call('system.verify', {}).then(setReport, (e: unknown) => setError(toApiError(e)));
  }, []);
  useKeys({ Escape: back });

  return (
    <Screen title={t('verify.title')} testId="verify" wide shortcuts={[{ keys: 'Esc', label: t('keys.back'), run: back }]}>
      <ErrorAlert error={error} />
      {!report && !error ? <p>{t('verify.working')}</p> : null}
      {report ? (
        <>
          <p className={`verdict ${report.ok ? 'ok' : 'negative'}`} data-testid="verify-verdict" data-ok={report.ok}>
            {report.ok ? t('verify.ok') : t('verify.failed', { n: report.faults.length, problem: report.firstFault?.problem ?? '' })}
          </p>
          <p>{t('verify.counts', report.counts as unknown as Record<string, number>)}</p>
          <h2>{t('verify.discrepancies')}</h2>
          {report.discrepancies.length === 0 ? (
            <p>{t('verify.none')}</p>
          ) : (
            <table className="data" data-testid="verify-discrepancies">
              <thead>
                <tr>
                  <th scope="col">{t('verify.col.till')}</th>
                  <th scope="col">{t('verify.col.clerk')}</th>
                  <th scope="col">{t('verify.col.day')}</th>
                  <th scope="col" className="num">
                    {t('verify.col.expected')}
                  </th>
                  <th scope="col" className="num">
                    {t('verify.col.counted')}
                  </th>
                  <th scope="col" className="num">
                    {t('verify.col.difference')}
                  </th>
                  <th scope="col">{t('verify.col.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {report.discrepancies.map((d) => (
                  <tr key={d.tillSessionId}>
                    <td>{d.tillSessionId}</td>
                    <td>{d.clerkName}</td>
                    <td>{f.day(d.businessDay)}</td>
                    <td className="num">{money(d.expectedPara)}</td>
                    <td className="num">{money(d.countedPara)}</td>
                    <td className={`num${d.differencePara < 0 ? ' negative' : ''}`}>{money(d.differencePara)}</td>
                    <td>{d.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {report.faults.length > 0 ? (
            <>
              <h2>{t('verify.faults')}</h2>
              <ul data-testid="verify-faults">
                {report.faults.map((x, i) => (
                  <li key={i}>
                    {x.check} · {x.table} #{String(x.rowId)}: {x.problem}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      ) : null}
    </Screen>
  );
}
