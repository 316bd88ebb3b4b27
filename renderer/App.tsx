import { useEffect } from 'react';
import { Header } from './components/Header.js';
import { ErrorAlert } from './components/ErrorAlert.js';
import { useT } from './i18n/index.js';
import { useKeys } from './keyboard.js';
import { boot, lockNow } from './flow.js';
import { call } from './client.js';
import { ApiError, toApiError } from './api.js';
import { useApp, type Screen } from './stores/app.js';
import { useLocale } from './stores/locale.js';
import { useSession } from './stores/session.js';
import { SetupScreen } from './screens/SetupScreen.js';
import { SignInScreen } from './screens/SignInScreen.js';
import { OpenTillScreen } from './screens/OpenTillScreen.js';
import { CounterScreen } from './screens/CounterScreen.js';
import { PaymentScreen } from './screens/PaymentScreen.js';
import { ReceiptScreen } from './screens/ReceiptScreen.js';
import { RemittanceScreen } from './screens/RemittanceScreen.js';
import { CloseTillScreen } from './screens/CloseTillScreen.js';
import { TillClosedScreen } from './screens/TillClosedScreen.js';
import { LockScreen } from './screens/LockScreen.js';
import { ReceiptsScreen } from './screens/ReceiptsScreen.js';
import { VerifyScreen } from './screens/VerifyScreen.js';
import { ReferenceDataScreen } from './screens/ReferenceDataScreen.js';
import { SyncScreen } from './screens/SyncScreen.js';
import { SyncBar } from './components/SyncBar.js';
import { startSyncPolling, stopSyncPolling, useSync } from './stores/sync.js';

/** While the clerk keeps working, the server's idle clock is kept in step this often. */
const HEARTBEAT_MS = 60_000;

function CurrentScreen({ screen }: { screen: Screen }) {
  switch (screen) {
    case 'boot':
      return null;
    case 'setup':
      return <SetupScreen />;
    case 'signIn':
      return <SignInScreen />;
    case 'openTill':
      return <OpenTillScreen />;
    case 'counter':
      return <CounterScreen />;
    case 'payment':
      return <PaymentScreen />;
    case 'receipt':
      return <ReceiptScreen mode="sale" key="sale" />;
    case 'receiptView':
      return <ReceiptScreen mode="view" key="view" />;
    case 'remittance':
      return <RemittanceScreen />;
    case 'closeTill':
      return <CloseTillScreen />;
    case 'tillClosed':
      return <TillClosedScreen />;
    case 'receipts':
      return <ReceiptsScreen />;
    case 'verify':
      return <VerifyScreen />;
    case 'referenceData':
      return <ReferenceDataScreen />;
    case 'sync':
      return <SyncScreen />;
  }
}

export function App() {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const cycleLocale = useLocale((s) => s.cycle);
  const screen = useApp((s) => s.screen);
  const fatal = useApp((s) => s.fatal);
  const signedIn = useSession((s) => s.token !== null);
  const locked = useSession((s) => s.locked && s.token !== null);
  const withClerk = useSession((s) => s.token !== null && s.clerk !== null);
  const syncing = withClerk && !locked;

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  useEffect(() => {
    boot().catch((e: unknown) => useApp.getState().setFatal(toApiError(e).code));
  }, []);

  // A signed-out session (UNAUTHENTICATED anywhere) goes back to sign-in.
  useEffect(() => {
    const s = useApp.getState().screen;
    if (!signedIn && s !== 'boot' && s !== 'setup' && s !== 'signIn') useApp.getState().go('signIn');
  }, [signedIn]);

  // The sync status bar's poll runs while a clerk is signed in and the screen is not locked.
  useEffect(() => {
    if (!syncing) return;
    startSyncPolling();
    return () => stopSyncPolling();
  }, [syncing]);
  useEffect(() => {
    if (!signedIn) useSync.getState().reset();
  }, [signedIn]);

  useKeys({
    'Ctrl+L': () => cycleLocale(),
    'Ctrl+K': () => (signedIn && !locked ? void lockNow() : false),
    'Ctrl+S': () => (syncing ? void useSync.getState().syncNow() : false),
  });

  // Idle lock: the clerk's own key presses and clicks are the clock.
  useEffect(() => {
    const onActivity = () => {
      const s = useSession.getState();
      s.touch();
      if (s.token && !s.locked && Date.now() - s.lastServerContact > HEARTBEAT_MS) {
        s.contacted();
        void call('auth.me', {}).catch(() => undefined);
      }
    };
    const timer = window.setInterval(() => {
      const s = useSession.getState();
      if (!s.token || s.locked || !s.clerk || s.idleLockSeconds <= 0) return;
      if (Date.now() - s.lastActivity >= s.idleLockSeconds * 1000) void lockNow();
    }, 1000);
    window.addEventListener('keydown', onActivity, true);
    window.addEventListener('pointerdown', onActivity, true);
    window.addEventListener('wheel', onActivity, { capture: true, passive: true });
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('keydown', onActivity, true);
      window.removeEventListener('pointerdown', onActivity, true);
      window.removeEventListener('wheel', onActivity, true);
    };
  }, []);

  return (
    <div className="app" data-screen={locked ? 'lock' : screen} data-locale={locale}>
      <Header />
      {syncing && !fatal ? <SyncBar /> : null}
      <main id="main" className="main">
        {fatal ? (
          <section className="screen" data-testid="screen-fatal">
            <h1 className="screen-title">PostDesk</h1>
            <ErrorAlert error={new ApiError(fatal, '')} />
          </section>
        ) : locked ? (
          <LockScreen />
        ) : screen === 'boot' ? (
          <p className="booting">{t('app.loading')}</p>
        ) : (
          <CurrentScreen screen={screen} />
        )}
      </main>
    </div>
  );
}
