// Who the customer is, for every route that takes one (search, suggest, for-user rails, events):
// a signed customer token when the shop has a secret (raw ids refused), a raw id only when the
// deployment trusts its callers (SHOP_TRUST_CUSTOMER_IDS, for demos or a backend-only service).
// Without either, naming a customer is refused, so nobody reads or writes another's data.
import { BadRequestError, UnauthorizedError } from '../../common/errors.ts';
import { looksLikeCustomerToken, verifyCustomerToken } from '../../common/customer-token.ts';

/** A customer id as the shop gives it (what a token carries, or a raw id when trusted). */
export const CUSTOMER_ID = /^[A-Za-z0-9_.:@-]{1,128}$/;

export interface CustomerOptions {
  /** Secrets that sign customer tokens; any of them verifies. */
  secrets: readonly string[];
  /** Accept raw ids (only consulted without secrets). */
  trustIds: boolean;
  now?: () => number;
}

export interface Customers {
  /**
   * The verified customer id a request names in `value` (a token, or a raw id when trusted), or
   * undefined when it names none. Throws 401 for a forged or expired token (a failed
   * authentication), 400 naming `field` when a raw id is not accepted.
   */
  customerOf(value: string | undefined, field?: string): string | undefined;
}

export function customers(o: CustomerOptions): Customers {
  const now = o.now ?? Date.now;
  return {
    customerOf(value, field = 'customer') {
      if (value === undefined || value === '') return undefined;
      if (o.secrets.length > 0) {
        if (!looksLikeCustomerToken(value))
          throw new BadRequestError(`${field} must be a signed customer token from the shop's backend`, field);
        const check = verifyCustomerToken(value, o.secrets, now());
        if (!check.ok) throw new UnauthorizedError(`the customer token ${check.reason}`);
        if (!CUSTOMER_ID.test(check.customer))
          throw new BadRequestError(`${field} names an invalid customer id`, field);
        return check.customer;
      }
      if (!o.trustIds)
        throw new BadRequestError(
          `${field} is not accepted: the service has no customer token secret and does not trust raw customer ids`,
          field,
        );
      if (!CUSTOMER_ID.test(value)) throw new BadRequestError(`${field} is not a valid customer id`, field);
      return value;
    },
  };
}
