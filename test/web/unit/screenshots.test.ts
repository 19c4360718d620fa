import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, test } from 'vitest';
import { REPO_ROOT, screenshotPath } from '../support/screenshots.ts';

const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' });

test('by default a screenshot goes to a git-ignored folder, so a test run leaves the tree clean', () => {
  for (const env of [{}, { UPDATE_SCREENSHOTS: '0' }, { UPDATE_SCREENSHOTS: '' }]) {
    const path = screenshotPath('verifier.png', env);
    expect(relative(REPO_ROOT, path)).toBe('test-results/screenshots/verifier.png');
    expect(git('check-ignore', path).trim()).toBe(path); // exits non-zero (throws) when not ignored
  }
});

test('with UPDATE_SCREENSHOTS=1 a screenshot replaces the committed picture the docs show', () => {
  const path = screenshotPath('wallet.png', { UPDATE_SCREENSHOTS: '1' });
  expect(relative(REPO_ROOT, path)).toBe('docs/img/wallet.png');
  expect(git('ls-files', 'docs/img').split('\n')).toEqual(expect.arrayContaining(['docs/img/verifier.png', 'docs/img/wallet.png']));
  expect(readFileSync(join(REPO_ROOT, 'docs/verifier.md'), 'utf8')).toContain('(img/wallet.png)');
});

test('no browser test writes into docs/img on its own: they all go through screenshotPath', () => {
  const dir = join(REPO_ROOT, 'test/web');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.test.ts'))) {
    expect(readFileSync(join(dir, file), 'utf8'), file).not.toContain('docs/img');
  }
});
