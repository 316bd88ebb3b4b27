/**
 * "Scan with camera": the bill's QR code read from the webcam. The view
 * lives at the hash route #/payment/scan because the Electron shell grants
 * the camera permission for that route alone (electron/security.ts,
 * SCAN_SCREEN_ROUTE). Frames are grabbed a few times a second and decoded;
 * the camera stops the moment a code is read or the view closes.
 */
import { useEffect, useRef, useState } from 'react';
import { Dialog } from '../components/Dialog.js';
import { useT } from '../i18n/index.js';
import { createQrDecoder, luminanceOf } from './qrDecode.js';

export const SCAN_ROUTE = '/payment/scan';
const FRAME_MS = 120;
/** Frames wider than this are scaled down before decoding: enough for a bill held near the lens. */
const MAX_WIDTH = 1280;

type State = 'starting' | 'looking' | 'failed' | 'unsupported';

export function CameraScan({ onCode, onClose }: { onCode(text: string): void; onClose(): void }) {
  const t = useT();
  const videoRef = useRef<HTMLVideoElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const [state, setState] = useState<State>('starting');
  const [reason, setReason] = useState('');
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;

  useEffect(() => {
    const { pathname, search } = window.location;
    window.history.replaceState(window.history.state, '', `${pathname}${search}#${SCAN_ROUTE}`);
    let live = true;
    let stream: MediaStream | null = null;
    let timer = 0;
    const stop = () => {
      for (const track of stream?.getTracks() ?? []) track.stop();
      stream = null;
      if (videoRef.current) videoRef.current.srcObject = null;
    };
    closeRef.current?.focus();
    void (async () => {
      if (!navigator.mediaDevices?.getUserMedia) {
        setState('unsupported');
        return;
      }
      try {
        const decoder = await createQrDecoder();
        const s = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
        stream = s;
        if (!live) return stop();
        const video = videoRef.current!;
        video.srcObject = s;
        await video.play();
        if (!live) return stop();
        setState('looking');
        const canvas = document.createElement('canvas');
        const ctx = canvas.getContext('2d', { willReadFrequently: true });
        if (!ctx) throw new Error('no 2D canvas');
        const tick = () => {
          if (!live) return;
          const vw = video.videoWidth;
          const vh = video.videoHeight;
          if (video.readyState >= 2 && vw > 0 && vh > 0) {
            const scale = Math.min(1, MAX_WIDTH / vw);
            const w = Math.round(vw * scale);
            const h = Math.round(vh * scale);
            if (canvas.width !== w) canvas.width = w;
            if (canvas.height !== h) canvas.height = h;
            ctx.drawImage(video, 0, 0, w, h);
            const text = decoder.decode(luminanceOf(ctx.getImageData(0, 0, w, h).data, w, h), w, h);
            if (text !== null) {
              live = false;
              stop();
              onCodeRef.current(text);
              return;
            }
          }
          timer = window.setTimeout(tick, FRAME_MS);
        };
        tick();
      } catch (e) {
        stop();
        if (!live) return;
        setReason(e instanceof Error ? e.name || e.message : String(e));
        setState('failed');
      }
    })();
    return () => {
      live = false;
      window.clearTimeout(timer);
      stop();
      if (window.location.hash === `#${SCAN_ROUTE}`) window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}`);
    };
  }, []);

  const text =
    state === 'starting' ? t('camera.starting') : state === 'looking' ? t('camera.looking') : state === 'unsupported' ? t('camera.unsupported') : t('camera.failed', { reason });
  return (
    <Dialog title={t('camera.title')} testId="camera-scan" onClose={onClose}>
      <p className="intro">{t('camera.hint')}</p>
      <div className="camera-view">
        <video ref={videoRef} muted playsInline aria-label={t('camera.video')} data-testid="camera-video" />
      </div>
      <p role={state === 'failed' || state === 'unsupported' ? 'alert' : 'status'} className={state === 'failed' || state === 'unsupported' ? 'alert alert-error' : 'muted'} data-testid="camera-state" data-state={state}>
        {text}
      </p>
      <div className="actions">
        <button type="button" ref={closeRef} onClick={onClose} data-testid="camera-close">
          {t('keys.close')} <kbd>Esc</kbd>
        </button>
      </div>
    </Dialog>
  );
}
