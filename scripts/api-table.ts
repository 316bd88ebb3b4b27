/**
 * Prints the README's table of API methods from the contract itself, so the
 * documentation cannot drift: test/unit/readme.test.ts compares the two.
 * Usage: node --import tsx scripts/api-table.ts
 */
import { z } from 'zod';
import { api, METHOD_NAMES } from '../domain/api.js';

type Json = { type?: string | string[]; properties?: Record<string, Json>; required?: string[]; items?: Json; enum?: unknown[]; const?: unknown; anyOf?: Json[]; oneOf?: Json[]; pattern?: string };

function typeOf(s: Json, depth: number): string {
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((e) => JSON.stringify(e)).join(' \\| ');
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.map((a) => typeOf(a, depth)).join(' \\| ');
  const t = Array.isArray(s.type) ? s.type.join(' \\| ') : s.type;
  if (t === 'array' && s.items) return `${typeOf(s.items, depth)}[]`;
  if (t === 'object' && s.properties) return depth > 0 ? `{${fields(s, depth - 1)}}` : 'object';
  return t ?? 'any';
}

function fields(s: Json, depth: number): string {
  const req = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {})
    .map(([k, v]) => `${k}${req.has(k) ? '' : '?'}: ${typeOf(v, depth)}`)
    .join(', ');
}

export function apiTable(): string {
  const lines = ['| method | role | changes data | input |', '| --- | --- | --- | --- |'];
  for (const m of METHOD_NAMES) {
    const def = api[m];
    const schema = z.toJSONSchema(def.input, { io: 'input', unrepresentable: 'any' }) as Json;
    const input = fields(schema, 1) || '—';
    lines.push(`| \`${m}\` | ${def.role} | ${def.mutates ? 'yes' : 'no'} | ${input} |`);
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(apiTable());
