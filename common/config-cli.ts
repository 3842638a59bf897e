// config: prints the effective configuration (secrets redacted); --markdown prints the settings table for the README.
import { loadConfig, redactedConfig, settingsMarkdown } from './config.ts';

if (process.argv.includes('--markdown')) console.log(settingsMarkdown());
else console.log(JSON.stringify(redactedConfig(loadConfig()), null, 2));
