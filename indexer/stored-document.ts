// The document the indexer stores: the searchable product plus the write path's bookkeeping
// (per-field versions, liveness), and the way back from a stored document to a ProductState.
import { toProductDocument, type ProductDocument } from '../mappings/product-document.ts';
import { isLive, PRODUCT_FIELDS, type ProductField, type ProductState } from './merge.ts';

export interface StoredDocument extends Partial<ProductDocument> {
  id: string;
  categories?: string[];
  version: number;
  upsert_version?: number;
  deleted_version?: number;
  fv: Partial<Record<ProductField, number>>;
  live: boolean;
  updated_at: string;
}

export function toStoredDocument(s: ProductState, updatedAt: string): StoredDocument {
  const live = isLive(s);
  const searchable = toProductDocument({ id: s.id, title: s.fields.title ?? '', ...s.fields });
  return {
    ...searchable,
    title: s.fields.title,
    // Completion suggesters ignore alias filters, so only live products may carry suggestions.
    suggest: live ? searchable.suggest : undefined,
    categories: s.fields.categories,
    version: s.version,
    upsert_version: s.upsertVersion,
    deleted_version: s.deletedVersion,
    fv: s.fieldVersions,
    live,
    updated_at: updatedAt,
  };
}

export function fromStoredDocument(doc: StoredDocument): ProductState {
  const fields: Record<string, unknown> = {};
  for (const f of PRODUCT_FIELDS) if (doc[f] !== undefined && doc[f] !== null) fields[f] = doc[f];
  return {
    id: doc.id,
    fields,
    fieldVersions: { ...doc.fv },
    version: doc.version,
    ...(doc.upsert_version != null ? { upsertVersion: doc.upsert_version } : {}),
    ...(doc.deleted_version != null ? { deletedVersion: doc.deleted_version } : {}),
  };
}
