/**
 * The key Node-RED encrypts the flows' credentials with (flows_cred.json in its user dir): the
 * configured NODE_RED_CREDENTIAL_SECRET, else a random one generated once and kept in the user dir.
 * Changing it later makes the stored credentials unreadable (Node-RED then logs a decrypt error).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const SECRET_FILE = 'credential-secret';

/**
 * Returns the credential secret, generating `<userDir>/credential-secret` (mode 600) on first use.
 * @example
 * const secret = credentialSecret(config.nodeRedCredentialSecret, '/var/lib/eclor/node-red');
 */
export function credentialSecret(configured: string | undefined, userDir: string): string {
  if (configured) return configured;
  const file = path.join(userDir, SECRET_FILE);
  if (fs.existsSync(file)) {
    const kept = fs.readFileSync(file, 'utf8').trim();
    if (kept) return kept;
  }
  const secret = crypto.randomBytes(32).toString('hex');
  fs.writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}
