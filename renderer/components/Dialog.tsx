import type React from 'react';
import { useEffect, useRef } from 'react';

/**
 * A modal panel: focus stays inside (Tab wraps), Esc closes, and the screen
 * behind returns focus to where it was.
 */
export function Dialog({ title, testId, onClose, children, wide }: { title: string; testId: string; onClose(): void; children: React.ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    return () => before?.focus?.();
  }, []);
  function onKeyDown(e: React.KeyboardEvent) {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
      return;
    }
    if (e.key === 'Tab' && ref.current) {
      const els = Array.from(ref.current.querySelectorAll<HTMLElement>('input, textarea, select, button, [tabindex="0"]')).filter((el) => !(el as HTMLButtonElement).disabled);
      const first = els[0];
      const last = els[els.length - 1];
      if (!first || !last) return;
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  }
  return (
    <div className="dialog-backdrop">
      <div className={wide ? 'dialog dialog-wide' : 'dialog'} role="dialog" aria-modal="true" aria-labelledby={`${testId}-title`} data-testid={testId} ref={ref} onKeyDown={onKeyDown}>
        <h2 id={`${testId}-title`}>{title}</h2>
        {children}
      </div>
    </div>
  );
}
