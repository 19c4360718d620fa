// What private key material looks like in a text file, for the test that fails the build when
// any is committed (test/core/no-private-keys.test.ts). Patterns cover the forms this project
// and common tools produce: PEM, JWK, our keystore files, and Worker secrets in dotenv form.

export interface PrivateKeyFinding {
  pattern: string;
  line: number;
}

const PATTERNS: readonly { name: string; regex: RegExp }[] = [
  { name: 'PEM private key block', regex: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/ },
  { name: 'JWK private member "d"', regex: /"d"\s*:\s*"[A-Za-z0-9_-]{20,}"/ },
  {
    name: 'plaintext seed or private key field',
    regex: /"(?:seed|privateKey|private_key|secretKey|secret_key)"\s*:\s*"[A-Za-z0-9+/_=-]{32,}"/,
  },
  { name: 'Tricolor keystore file (sealed seed or KDF record)', regex: /"tricolor-(?:sealed-seed|keystore-kdf)\/\d+"/ },
  { name: 'SIGNING_KEYS map (kid to seed)', regex: /\{\s*"[0-9a-f]{16}"\s*:\s*"[A-Za-z0-9_-]{43}"/ },
  {
    name: '.dev.vars secret assignment',
    regex: /^\s*(?:export\s+)?(?:SIGNING_KEYS|ID_HMAC_KEY|OPERATOR_TOKENS|TEST_ROOT_SEED|TEST_SIGNING_SEED)\s*=\s*\S/m,
  },
];

export function findPrivateKeyMaterial(text: string): PrivateKeyFinding[] {
  const findings: PrivateKeyFinding[] = [];
  for (const { name, regex } of PATTERNS) {
    const match = regex.exec(text);
    if (match) findings.push({ pattern: name, line: text.slice(0, match.index).split('\n').length });
  }
  return findings;
}
