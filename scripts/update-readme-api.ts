/** Rewrites the API table between the README's markers from the contract. */
import fs from 'node:fs';
import { apiTable } from './api-table.js';

const file = new URL('../README.md', import.meta.url);
const text = fs.readFileSync(file, 'utf8');
const start = '<!-- api-table:start -->';
const end = '<!-- api-table:end -->';
const a = text.indexOf(start);
const b = text.indexOf(end);
if (a < 0 || b < a) throw new Error('README.md has no api-table markers');
fs.writeFileSync(file, `${text.slice(0, a + start.length)}\n${apiTable()}\n${text.slice(b)}`);
console.log('README.md API table updated');
