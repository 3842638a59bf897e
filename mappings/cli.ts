// index ensure | list | create [--switch] | switch <index> | delete <index>
import { createEsClient } from '../common/clients/elasticsearch.ts';
import { loadConfig } from '../common/config.ts';
import {
  createIndexVersion,
  deleteIndexVersion,
  ensureLiveIndex,
  indexOptionsOf,
  listIndexVersions,
  switchAlias,
  writeTargets,
} from './lifecycle.ts';
import { runCli } from '../common/cli.ts';

const usage = 'usage: index ensure | list | create [--switch] | switch <index> | delete <index>';

async function main([command, arg]: string[]): Promise<number> {
  const config = loadConfig();
  const es = await createEsClient(config);
  const opts = indexOptionsOf(config);
  try {
    switch (command) {
      case 'ensure':
        console.log(`live: ${await ensureLiveIndex(es, opts)}`);
        return 0;
      case 'list': {
        const targets = await writeTargets(es, opts.alias);
        for (const v of await listIndexVersions(es, opts.alias))
          console.log(
            `${v.name.padEnd(24)} ${v.live ? 'LIVE' : '    '} ${targets.includes(v.name) ? 'writes' : '      '} ${String(v.docs).padStart(9)} docs  ${v.health.padEnd(7)} ${v.createdAt}`,
          );
        return 0;
      }
      case 'create': {
        const index = await createIndexVersion(es, opts);
        if (arg === '--switch') await switchAlias(es, opts.alias, index);
        console.log(`created ${index}${arg === '--switch' ? ` (live behind ${opts.alias})` : ''}`);
        return 0;
      }
      case 'switch': {
        if (!arg) break;
        const previous = await switchAlias(es, opts.alias, arg);
        console.log(`${opts.alias}: ${previous ?? '(none)'} -> ${arg}`);
        return 0;
      }
      case 'delete':
        if (!arg) break;
        await deleteIndexVersion(es, opts.alias, arg);
        console.log(`deleted ${arg}`);
        return 0;
    }
    console.error(usage);
    return 2;
  } finally {
    await es.close();
  }
}

runCli('index', main);
