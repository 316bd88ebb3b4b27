import { useErrorText } from '../i18n/index.js';

/** The error a step ended with, as a translated sentence, announced at once. */
export function ErrorAlert({ error, text }: { error?: unknown; text?: string | null }) {
  const toText = useErrorText();
  const message = text ?? (error ? toText(error) : null);
  if (!message) return null;
  const code = error && typeof error === 'object' && 'code' in error ? String((error as { code: unknown }).code) : undefined;
  return (
    <div role="alert" className="alert alert-error" data-testid="error" data-code={code}>
      {message}
    </div>
  );
}

export function StatusLine({ text, testId = 'notice' }: { text: string | null; testId?: string }) {
  return (
    <div role="status" className={text ? 'alert alert-ok' : 'sr-only'} data-testid={text ? testId : undefined}>
      {text ?? ''}
    </div>
  );
}
