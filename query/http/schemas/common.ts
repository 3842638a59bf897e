// Schema pieces every route shares: the error shape, identifiers.

export const errorResponse = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string' },
    message: { type: 'string' },
    field: { type: 'string' },
  },
} as const;

/** Every route answers errors in the one JSON shape. */
export const errorResponses = { '4xx': errorResponse, '5xx': errorResponse } as const;

/** A product id as the shop gives it. */
export const PRODUCT_ID = '^[A-Za-z0-9_.:@-]{1,128}$';

/** Admin routes name the key scheme in the OpenAPI document. */
export const adminSecurity = [{ adminKey: [] }];
