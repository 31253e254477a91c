/** TikTok's token shapes (docs/tiktok.md §3.3): `act.` / `rft.` followed by the token body. */
const TOKEN_PATTERNS = [/(?<![A-Za-z0-9])act\.[A-Za-z0-9_-]{8,}/, /(?<![A-Za-z0-9])rft\.[A-Za-z0-9_-]{8,}/];

/**
 * Every secret a run handled, collected as the test goes: API keys, the admin key, the client secret, webhook
 * secrets, encryption keys, OAuth codes. Tokens are found by shape, since the sandbox issues many.
 */
export class SecretLedger {
  private readonly secrets = new Map<string, string>();

  add(label: string, value: string | undefined): void {
    if (value && value.length >= 8) this.secrets.set(value, label);
  }

  /** Labels of the secrets (and token shapes) found in `text`, with a little context to act on. */
  findIn(text: string): string[] {
    const found: string[] = [];
    for (const [value, label] of this.secrets) {
      const at = text.indexOf(value);
      if (at >= 0) found.push(`${label} near "${context(text, at)}"`);
    }
    for (const pattern of TOKEN_PATTERNS) {
      const match = pattern.exec(text);
      if (match) found.push(`token ${match[0].slice(0, 4)}… near "${context(text, match.index)}"`);
    }
    return found;
  }
}

function context(text: string, at: number): string {
  return text.slice(Math.max(0, at - 60), at).replace(/[^\x20-\x7e]/g, '.');
}
