// How every command-line tool ends: the exit code its main returns, or 1 with a one-line message
// naming the tool when it throws (the stack only with SHOP_LOG_LEVEL=debug).
export function runCli(name: string, main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(`${name}: ${process.env.SHOP_LOG_LEVEL === 'debug' ? (err.stack ?? err.message) : err.message}`);
      process.exit(1);
    },
  );
}
