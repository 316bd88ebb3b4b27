/**
 * Keyboard first. Screens bind shortcuts by name ("F2", "Ctrl+K", "Shift+F9",
 * "Enter", "Escape"); letters are read from the physical key, so Ctrl+L is
 * the same key on a Serbian Cyrillic layout. A key already handled by a
 * focused control (preventDefault) is left alone.
 */
import { useEffect, useRef } from 'react';
import type React from 'react';

export function comboOf(e: KeyboardEvent): string {
  let key = e.key;
  if (/^Key[A-Z]$/.test(e.code)) key = e.code.slice(3);
  else if (/^Digit\d$/.test(e.code)) key = e.code.slice(5);
  else if (key === ' ') key = 'Space';
  else if (key.length === 1) key = key.toUpperCase();
  const mods: string[] = [];
  if (e.ctrlKey || e.metaKey) mods.push('Ctrl');
  if (e.altKey) mods.push('Alt');
  if (e.shiftKey && (key.length > 1 || mods.length > 0)) mods.push('Shift');
  return [...mods, key].join('+');
}

export type KeyHandler = (e: KeyboardEvent) => void | boolean;

/**
 * Binds shortcuts on the window while the component is mounted. A handler
 * returning false declines the key (it then keeps its default action).
 */
export function useKeys(bindings: Record<string, KeyHandler>, enabled = true): void {
  const ref = useRef(bindings);
  ref.current = bindings;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      const handler = ref.current[comboOf(e)];
      if (!handler) return;
      if (handler(e) === false) return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}

/** True when the key press is typing into a field or pressing a button (Enter must not be stolen then). */
export function inControl(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  if (!t || !t.closest) return false;
  return t.closest('input, textarea, select, button, a[href], [role="dialog"]') !== null;
}

/**
 * Forms where Enter moves to the next field ([data-advance]) and, from the
 * last one, submits. The clerk types a number and presses Enter, row after row.
 */
export function advanceOnEnter(e: React.KeyboardEvent<HTMLFormElement>): void {
  if (e.key !== 'Enter' || e.ctrlKey || e.altKey || e.metaKey || e.shiftKey || e.nativeEvent.isComposing) return;
  const target = e.target as HTMLElement;
  if (!target.hasAttribute('data-advance')) return;
  const fields = Array.from(e.currentTarget.querySelectorAll<HTMLElement>('[data-advance]')).filter(
    (el) => !(el as HTMLInputElement).disabled && !(el instanceof HTMLInputElement && el.type === 'radio' && !el.checked),
  );
  const i = fields.indexOf(target);
  e.preventDefault();
  const next = fields[i + 1];
  if (i >= 0 && next) {
    next.focus();
    if (next instanceof HTMLInputElement && next.type !== 'radio') next.select();
  } else {
    e.currentTarget.requestSubmit();
  }
}
