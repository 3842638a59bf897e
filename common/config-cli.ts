// config: prints the effective configuration (secrets redacted); --markdown prints the settings table of
// docs/settings.md, --write-docs rewrites that page's table (a unit test checks the page is current).
import fs from 'node:fs';
import { loadConfig, redactedConfig, settingsMarkdown } from './config.ts';

if (process.argv.includes('--write-docs')) {
  const page = new URL('../docs/settings.md', import.meta.url);
  const table = settingsMarkdown();
  const text = fs.readFileSync(page, 'utf8');
  const at = text.indexOf(table.slice(0, table.indexOf('\n')));
  fs.writeFileSync(page, `${at < 0 ? text : text.slice(0, at)}${table}\n`);
} else if (process.argv.includes('--markdown')) console.log(settingsMarkdown());
else console.log(JSON.stringify(redactedConfig(loadConfig()), null, 2));
