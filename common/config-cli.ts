// config: prints the effective configuration; --markdown prints the settings table for the README.
import { loadConfig, settingsMarkdown } from './config.ts';

if (process.argv.includes('--markdown')) console.log(settingsMarkdown());
else console.log(JSON.stringify(loadConfig(), null, 2));
