// .dev.vars editing and the keystore location rule.
import { execFileSync } from 'node:child_process';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeysError } from '../../keys/errors.ts';
import { assertStoreLocation, resolveStoreDir } from '../../keys/keystore/location.ts';
import { readDotenvValue, updateDotenv, updateDotenvFile } from '../../scripts/lib/dev-vars.ts';
import { REPO_ROOT, tempDir } from '../keys/helpers.ts';

describe('.dev.vars editing', () => {
  const before = '# local secrets\nID_HMAC_KEY=abc\nexport SIGNING_KEYS="old"\nOTHER = keep me # note\nSIGNING_KEYS=duplicate\n';

  it('replaces our variables in place and keeps every other line as it was', () => {
    const after = updateDotenv(before, { SIGNING_KEYS: '{"k":"v"}', TRUST_ROOT_PUBLIC_KEY: 'pub' });
    expect(after).toBe(`# local secrets\nID_HMAC_KEY=abc\nSIGNING_KEYS='{"k":"v"}'\nOTHER = keep me # note\nTRUST_ROOT_PUBLIC_KEY='pub'\n`);
    expect(readDotenvValue(after, 'SIGNING_KEYS')).toBe('{"k":"v"}');
    expect(readDotenvValue(after, 'OTHER')).toBe('keep me');
  });

  it('removes a variable on request', () => {
    expect(updateDotenv(before, {}, ['SIGNING_KEYS'])).toBe('# local secrets\nID_HMAC_KEY=abc\nOTHER = keep me # note\n');
  });

  it('refuses values that single quotes cannot carry literally', () => {
    expect(() => updateDotenv('', { A: "it's" })).toThrow(TypeError);
    expect(() => updateDotenv('', { A: 'line\nbreak' })).toThrow(TypeError);
  });

  it('writes the file 0600', async () => {
    const path = join(await tempDir(), '.dev.vars');
    await writeFile(path, 'A=1\n', { mode: 0o644 });
    expect(await updateDotenvFile(path, { B: '2' })).toBe(true);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await updateDotenvFile(path, { B: '2' })).toBe(false);
  });
});

describe('keystore location', () => {
  const refusal = (dir: string) => {
    try {
      assertStoreLocation(dir);
      return undefined;
    } catch (e) {
      return e instanceof KeysError ? e.code : 'other';
    }
  };

  it('defaults to ~/.config/tricolor/keystore, or TRICOLOR_KEYSTORE, or --store', () => {
    expect(resolveStoreDir(undefined, { XDG_CONFIG_HOME: '/cfg' })).toBe('/cfg/tricolor/keystore');
    expect(resolveStoreDir(undefined, { TRICOLOR_KEYSTORE: '/k' })).toBe('/k');
    expect(resolveStoreDir('/s', { TRICOLOR_KEYSTORE: '/k' })).toBe('/s');
  });

  it('refuses a store inside the git work tree', () => {
    expect(refusal(join(REPO_ROOT, 'keys', 'store'))).toBe('store_in_repo');
    expect(refusal(REPO_ROOT)).toBe('store_in_repo');
  });

  it('accepts the git-ignored .dev/ directory and anything outside the work tree', async () => {
    expect(refusal(join(REPO_ROOT, '.dev', 'keystore'))).toBeUndefined();
    expect(refusal(join(await tempDir(), 'store'))).toBeUndefined();
  });

  it('refuses .dev/ in a work tree that does not ignore it', async () => {
    const repo = await tempDir('tricolor-repo-');
    execFileSync('git', ['init', '-q', repo]);
    await mkdir(join(repo, '.dev'));
    expect(refusal(join(repo, '.dev', 'keystore'))).toBe('store_in_repo');
    await writeFile(join(repo, '.gitignore'), '.dev/\n');
    expect(refusal(join(repo, '.dev', 'keystore'))).toBeUndefined();
  });
});
