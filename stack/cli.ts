// stack up | down [service...] | status | logs <process> [lines]
import { loadConfig } from '../common/config.ts';
import { tailFile } from './processes.ts';
import { stackDown, stackServices, stackStatus, stackUp } from './stack.ts';

const say = (line: string) => console.log(`[stack] ${line}`);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'up': {
      const r = await stackUp(config, say);
      say(
        `up in ${r.seconds.toFixed(1)}s${r.started.length ? ` (started ${r.started.join(', ')})` : ' (nothing to start)'}`,
      );
      return 0;
    }
    case 'down':
      await stackDown(config, say, rest.length > 0 ? rest : undefined);
      return 0;
    case 'status': {
      const rows = await stackStatus(config);
      for (const r of rows)
        console.log(`${r.name.padEnd(14)} ${r.state.padEnd(9)} pid ${r.pids.join(',') || '-'}  ${r.health}`);
      return rows.every((r) => r.state === 'running' || r.state === 'external') ? 0 : 1;
    }
    case 'logs': {
      const processes = stackServices(config).flatMap((s) => s.processes);
      const p = processes.find((x) => x.name === rest[0] || x.name === `${rest[0]}-1`);
      if (!p) {
        console.error(`usage: stack logs <${processes.map((x) => x.name).join('|')}> [lines]`);
        return 2;
      }
      console.log(tailFile(p.logFile, Number(rest[1] ?? 50)));
      return 0;
    }
    default:
      console.error(
        'usage: stack up | down [elasticsearch|opensearch|opensearch-secured|kafka|redis|redis-secured ...] | status | logs <process> [lines]',
      );
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`[stack] ${err.name}: ${err.message}`);
    process.exit(1);
  },
);
