import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiTable } from '../../../scripts/api-table.js';
import { METHOD_NAMES } from '../../../domain/api.js';

const readme = fs.readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('shows the two set-up commands', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });

  it('lists every API method exactly as the contract defines it (run scripts/update-readme-api.ts after changing it)', () => {
    const a = readme.indexOf('<!-- api-table:start -->');
    const b = readme.indexOf('<!-- api-table:end -->');
    expect(readme.slice(a + '<!-- api-table:start -->'.length, b).trim()).toBe(apiTable());
    for (const m of METHOD_NAMES) expect(readme).toContain(`\`${m}\``);
  });
});
