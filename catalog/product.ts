// The catalog product, as in the shared data format: only id and title are always present.
export interface Product {
  id: string;
  title: string;
  description?: string;
  brand?: string;
  /** Category path, root first. */
  categories?: string[];
  price?: number;
  list_price?: number;
  currency?: string;
  rating?: number;
  rating_count?: number;
  in_stock?: boolean;
  attributes?: Record<string, string>;
  /** Ids the retailer lists as frequently bought with this one. */
  related?: string[];
  /** Business signal (sales or views over a recent window); higher is more popular. */
  popularity?: number;
  /** When the product was first listed (ISO 8601). */
  created_at?: string;
}

/** Separator of category levels inside a path string, e.g. "Hobbies > Trains". */
export const CATEGORY_SEPARATOR = ' > ';

export const categoryPathString = (levels: readonly string[]): string => levels.join(CATEGORY_SEPARATOR);
