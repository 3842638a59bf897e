// Publishes suggestions to a test app's Redis prefix, as `npm run suggest -- rebuild` does, and
// has the app load them at once instead of at its next poll.
import { type SuggestionEntry, suggestionStoreFor } from '../../stores/suggestions.ts';
import type { TestApp } from './app.ts';

export async function publishSuggestions(t: TestApp, entries: readonly SuggestionEntry[]): Promise<string> {
  const { version } = await suggestionStoreFor(t.redis, t.config).publishSnapshot(entries);
  await t.runtime.suggestions.refresh();
  return version;
}
