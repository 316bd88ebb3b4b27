import type React from 'react';

export interface FieldProps extends Omit<React.InputHTMLAttributes<HTMLInputElement>, 'id'> {
  id: string;
  label: string;
  /** The rule the value breaks, in words; marks the field aria-invalid. */
  error?: string | null | undefined;
  hint?: string | undefined;
  ref?: React.Ref<HTMLInputElement>;
  /** Enter moves on to the next field of the form. */
  advance?: boolean;
  wide?: boolean;
}

/** A labelled input whose error is tied to it for screen readers. */
export function Field({ id, label, error, hint, ref, advance = true, wide, className, ...rest }: FieldProps) {
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${wide ? ' field-wide' : ''}${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        ref={ref}
        className={className}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        data-advance={advance ? '' : undefined}
        data-testid={id}
        autoComplete="off"
        spellCheck={false}
        {...rest}
      />
      {hint ? (
        <div id={`${id}-hint`} className="field-hint">
          {hint}
        </div>
      ) : null}
      {error ? (
        <div id={`${id}-error`} className="field-error" data-testid={`${id}-error`}>
          {error}
        </div>
      ) : null}
    </div>
  );
}
