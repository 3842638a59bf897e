// npm run customer-token -- <customer id> [--ttl seconds]: prints a signed customer token, with the
// secret from SHOP_CUSTOMER_TOKEN_SECRET. The shop's backend does the same with mintCustomerToken.
import { parseArgs } from 'node:util';
import { runCli } from './cli.ts';
import { loadConfig } from './config.ts';
import { mintCustomerToken } from './customer-token.ts';

runCli('customer-token', async (argv) => {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ttl: { type: 'string' } },
  });
  const config = loadConfig();
  const customer = positionals[0];
  if (!customer || positionals.length > 1) {
    console.error('usage: npm run customer-token -- <customer id> [--ttl seconds]');
    return 2;
  }
  const secret = config.customerTokenSecrets[0];
  if (!secret) throw new Error('SHOP_CUSTOMER_TOKEN_SECRET is not set');
  const ttl = values.ttl === undefined ? config.customerTokenTtlSeconds : Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0)
    throw new Error(`--ttl must be a positive number of seconds, got "${values.ttl}"`);
  console.log(mintCustomerToken(customer, secret, ttl));
  return 0;
});
