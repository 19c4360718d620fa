// Fails the build if private key material is committed: scans the content of every tracked file
// (outside test/vectors/, whose RFC 8032 and Wycheproof test keys are public by design).
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKeystore, storeSeed } from '../../keys/keystore/keystore.ts';
import { findPrivateKeyMaterial } from '../../keys/private-key-patterns.ts';
import { silentReporter } from '../../keys/progress.ts';
import { updateDotenv } from '../../scripts/lib/dev-vars.ts';
import { generateSeed, toBase64Url } from '../../src/index.ts';
import { CHEAP_KDF, PASSPHRASE, REPO_ROOT, tempDir } from '../keys/helpers.ts';

function git(...args: string[]): string {
  return execFileSync('git', ['-C', REPO_ROOT, ...args], { encoding: 'utf8' });
}

describe('no private keys in git', () => {
  it('recognises private keys in the forms that could realistically be committed', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const seed = toBase64Url(generateSeed());
    const dir = `${await tempDir()}/store`;
    await storeSeed(dir, await createKeystore(dir, PASSPHRASE, silentReporter, CHEAP_KDF), 'signing', '0123456789abcdef', generateSeed());
    const samples = {
      pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      jwk: JSON.stringify(privateKey.export({ format: 'jwk' })),
      plaintextSeed: JSON.stringify({ kid: '0123456789abcdef', seed }),
      sealedSeedFile: await readFile(`${dir}/signing/0123456789abcdef.key.json`, 'utf8'),
      kdfFile: await readFile(`${dir}/kdf.json`, 'utf8'),
      devVars: updateDotenv('', { SIGNING_KEYS: JSON.stringify({ '0123456789abcdef': seed }) }),
      signingKeysJson: JSON.stringify({ '0123456789abcdef': seed }),
      hmacKey: `# dev\nID_HMAC_KEY=${seed}\n`,
    };
    for (const [name, text] of Object.entries(samples))
      expect({ name, found: findPrivateKeyMaterial(text).length > 0 }).toEqual({ name, found: true });
    // Public material passes: a public JWK and the root public key file.
    expect(findPrivateKeyMaterial(JSON.stringify(publicKey.export({ format: 'jwk' })))).toEqual([]);
    expect(findPrivateKeyMaterial(JSON.stringify({ publicKey: seed, kid: '0123456789abcdef' }))).toEqual([]);
  });

  it('finds none in any tracked file', async () => {
    const files = git('ls-files', '-z')
      .split('\0')
      .filter((f) => f && !f.startsWith('test/vectors/'));
    expect(files.length).toBeGreaterThan(10);
    const offenders: string[] = [];
    for (const file of files) {
      const bytes = await readFile(join(REPO_ROOT, file)).catch(() => undefined); // deleted in the work tree
      if (!bytes || bytes.includes(0)) continue; // binary
      for (const f of findPrivateKeyMaterial(bytes.toString('utf8'))) offenders.push(`${file}:${f.line}: ${f.pattern}`);
    }
    expect(offenders).toEqual([]);
  });

  it('keeps .dev.vars and .dev/ untracked and ignored', () => {
    expect(git('ls-files', '--', '.dev.vars', '.dev', '.dev.vars.*').trim()).toBe('');
    // check-ignore exits non-zero (and execFileSync throws) if any path is not ignored.
    expect(git('check-ignore', '--', '.dev.vars', '.dev/passphrase', '.dev/keystore/root.key.json').trim().split('\n')).toHaveLength(3);
  });
});
