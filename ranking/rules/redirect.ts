// Where a redirect rule may send shoppers: a same-site path ("/sale", never "//host" or "/\host",
// which browsers read as another site), or an absolute http(s) URL on a host the shop lists
// (SHOP_REDIRECT_HOSTS). Checked when a rule is stored and again when rules are loaded for
// serving, so a rule stored before a host left the list stops redirecting.
import type { Rule } from './rule.ts';

/** Why `url` may not be a redirect target, or undefined when it may. */
export function redirectProblem(url: string, hosts: readonly string[]): string | undefined {
  // Control characters, whitespace and backslashes are dropped or rewritten by browsers, so they
  // can turn a path into another host.
  if ([...url].some((c) => c <= ' ' || c === '\u007f' || c === '\\'))
    return 'must not contain spaces, control characters or backslashes';
  if (url.startsWith('/')) return url.startsWith('//') ? 'must be a path on this site, not //host' : undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be a path starting with / or an absolute http(s) URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must use http or https';
  if (parsed.username || parsed.password) return 'must not carry a user name or password';
  const host = parsed.hostname.toLowerCase();
  if (!hosts.some((h) => h.toLowerCase() === host)) return `goes to ${host}, which is not in SHOP_REDIRECT_HOSTS`;
  return undefined;
}

/** The rules without those whose redirect is no longer allowed. */
export const servableRules = (rules: readonly Rule[], hosts: readonly string[]): Rule[] =>
  rules.filter((r) => r.actions.every((a) => a.type !== 'redirect' || redirectProblem(a.url, hosts) === undefined));
