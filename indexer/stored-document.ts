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
  // Built in place rather than spread into a new object: this runs once per event on the hot path.
  const doc = toProductDocument({ id: s.id, title: s.fields.title ?? '', ...s.fields }) as StoredDocument;
  doc.title = s.fields.title;
  // Completion suggesters ignore alias filters, so only live products may carry suggestions.
  if (!live) delete doc.suggest;
  doc.categories = s.fields.categories;
  doc.version = s.version;
  doc.upsert_version = s.upsertVersion;
  doc.deleted_version = s.deletedVersion;
  doc.fv = s.fieldVersions;
  doc.live = live;
  doc.updated_at = updatedAt;
  return doc;
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
