import { escapeHtml } from './sandbox-http';
import { SCENARIO_ACCOUNTS } from './scenario-accounts';

export const DECISION_PATH = '/v2/auth/authorize/decision/';

export function renderConsentPage(appName: string, requestId: string, scopes: string[]): string {
  const accounts = SCENARIO_ACCOUNTS.map(
    (a, i) =>
      `<label><input type="radio" name="sandbox_account" value="${escapeHtml(a.name)}"${i === 0 ? ' checked' : ''}> ` +
      `<strong>${escapeHtml(a.displayName)}</strong> (${escapeHtml(a.name)}): ${escapeHtml(a.description)}</label><br>`,
  ).join('\n');
  const scopeItems = scopes
    .map(
      (s) =>
        `<li>${escapeHtml(s)} <label><input type="checkbox" name="sandbox_deny_scopes" value="${escapeHtml(s)}"> ` +
        `deny</label></li>`,
    )
    .join('\n');
  return page(
    `Authorize ${appName}`,
    `<p><strong>${escapeHtml(appName)}</strong> would like to access your TikTok account.</p>
<form method="GET" action="${DECISION_PATH}">
<input type="hidden" name="request_id" value="${escapeHtml(requestId)}">
<h2>Requested scopes</h2><ul>${scopeItems}</ul>
<h2>Continue as</h2>${accounts}
<p><button type="submit" name="sandbox_decision" value="approve">Approve</button>
<button type="submit" name="sandbox_decision" value="deny">Deny</button></p>
</form>`,
  );
}

/** Shown instead of a redirect when the client or redirect URI cannot be trusted (never redirect there). */
export function renderErrorPage(message: string): string {
  return page('Authorization error', `<p>${escapeHtml(message)}</p>`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)} - TikTok sandbox</title></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}
