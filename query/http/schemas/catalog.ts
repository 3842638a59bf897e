// Category tree, category pages and product pages.
import { MAX_CATEGORY_DEPTH } from '../../../mappings/products.ts';
import { hit } from './search.ts';

export const categoryNode = {
  $id: 'categoryNode',
  type: 'object',
  properties: {
    name: { type: 'string' },
    path: { type: 'string' },
    count: { type: 'integer' },
    children: { type: 'array', items: { $ref: 'categoryNode#' } },
  },
} as const;

export const categoriesQuerystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    depth: { type: 'integer', minimum: 1, maximum: MAX_CATEGORY_DEPTH },
    under: { type: 'string', maxLength: 600, description: 'Only the subtree under this path' },
  },
} as const;

export const categoriesResponse = {
  type: 'object',
  properties: { total: { type: 'integer' }, categories: { type: 'array', items: { $ref: 'categoryNode#' } } },
} as const;

export const categoryPathParams = {
  type: 'object',
  properties: { path: { type: 'string', minLength: 1, maxLength: 600 } },
  required: ['path'],
} as const;

export const productParams = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 256 } },
  required: ['id'],
} as const;

export const productResponse = {
  type: 'object',
  properties: {
    ...hit.properties,
    description: { type: 'string' },
    attributes: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    related: { type: 'array', items: { type: 'string' } },
    popularity: { type: 'number' },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
} as const;
