/**
 * The whole project type-checks (Node, renderer and preload configs) and
 * lints clean, including the layering rules of DESIGN.md, as part of npm test.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.slice(0, 4000) };
}

describe('static checks', () => {
  it.each(['tsconfig.node.json', 'tsconfig.renderer.json', 'tsconfig.preload.json'])('tsc -p %s reports no errors', (config) => {
    const r = run(bin('tsc'), ['-p', config, '--noEmit']);
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  }, 240_000);

  it('eslint reports no problems', () => {
    const r = run(bin('eslint'), ['.', '--max-warnings', '0']);
    expect(r.output.trim()).toBe('');
    expect(r.status).toBe(0);
  }, 240_000);
});
