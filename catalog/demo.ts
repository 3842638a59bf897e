// A deterministic demo catalog: the same seed always gives the same products, so the demo and
// anyone reproducing it see identical results without any external data.
import { seededRandom } from '../common/random.ts';
import type { Product } from './product.ts';

interface Leaf {
  path: string[];
  nouns: string[];
  attributes: Record<string, string[]>;
  priceRange: [number, number];
}

interface Department {
  name: string;
  brands: string[];
  children: Record<string, Record<string, Omit<Leaf, 'path'>>>;
}

const colors = ['Black', 'White', 'Silver', 'Blue', 'Red', 'Green', 'Grey', 'Pink'];
const sizes = ['XS', 'S', 'M', 'L', 'XL'];

const departments: Department[] = [
  {
    name: 'Electronics',
    brands: ['Sonix', 'Voltra', 'Nexa', 'Lumio', 'Orbital'],
    children: {
      Audio: {
        Headphones: {
          nouns: ['Wireless Headphones', 'Noise Cancelling Headphones', 'Earbuds', 'Studio Headset'],
          attributes: { color: colors, connectivity: ['Bluetooth', 'Wired'] },
          priceRange: [19, 349],
        },
        Speakers: {
          nouns: ['Bluetooth Speaker', 'Soundbar', 'Smart Speaker', 'Bookshelf Speakers'],
          attributes: { color: colors, connectivity: ['Bluetooth', 'Wi-Fi', 'Wired'] },
          priceRange: [29, 499],
        },
      },
      Computers: {
        Laptops: {
          nouns: ['Laptop', 'Ultrabook', 'Gaming Laptop', '2-in-1 Laptop'],
          attributes: { screen: ['13 inch', '14 inch', '15.6 inch', '17 inch'], memory: ['8 GB', '16 GB', '32 GB'] },
          priceRange: [399, 2499],
        },
        Monitors: {
          nouns: ['Monitor', 'Curved Monitor', '4K Monitor', 'Gaming Monitor'],
          attributes: { screen: ['24 inch', '27 inch', '32 inch', '34 inch'] },
          priceRange: [119, 899],
        },
        Accessories: {
          nouns: ['Wireless Mouse', 'Mechanical Keyboard', 'USB-C Hub', 'Laptop Stand', 'Webcam'],
          attributes: { color: colors },
          priceRange: [9, 159],
        },
      },
      Phones: {
        Smartphones: {
          nouns: ['Smartphone', '5G Smartphone', 'Compact Phone'],
          attributes: { color: colors, storage: ['64 GB', '128 GB', '256 GB'] },
          priceRange: [149, 1299],
        },
        'Phone Cases': {
          nouns: ['Phone Case', 'Rugged Case', 'Wallet Case', 'Clear Case'],
          attributes: { color: colors, material: ['Silicone', 'Leather', 'Polycarbonate'] },
          priceRange: [7, 49],
        },
      },
      'TV & Video': {
        Televisions: {
          nouns: ['LED TV', 'OLED TV', 'Smart TV', 'QLED Television'],
          attributes: { screen: ['43 inch', '50 inch', '55 inch', '65 inch'] },
          priceRange: [249, 2999],
        },
      },
    },
  },
  {
    name: 'Home & Kitchen',
    brands: ['Hearthly', 'CasaPro', 'Kitchenary', 'Dwell&Co', 'Brightside'],
    children: {
      Kitchen: {
        Cookware: {
          nouns: ['Frying Pan', 'Saucepan Set', 'Dutch Oven', 'Wok', 'Stock Pot'],
          attributes: { material: ['Cast Iron', 'Stainless Steel', 'Non-stick', 'Copper'] },
          priceRange: [15, 299],
        },
        'Small Appliances': {
          nouns: ['Coffee Maker', 'Blender', 'Toaster', 'Air Fryer', 'Electric Kettle'],
          attributes: { color: colors },
          priceRange: [19, 349],
        },
      },
      Furniture: {
        'Living Room': {
          nouns: ['Sofa', 'Coffee Table', 'Armchair', 'TV Stand', 'Bookshelf'],
          attributes: { material: ['Oak', 'Walnut', 'Fabric', 'Leather'], color: colors },
          priceRange: [49, 1899],
        },
        Bedroom: {
          nouns: ['Bed Frame', 'Nightstand', 'Dresser', 'Wardrobe'],
          attributes: { material: ['Oak', 'Pine', 'Metal'] },
          priceRange: [69, 1499],
        },
      },
      Bedding: {
        Sheets: {
          nouns: ['Cotton Sheet Set', 'Linen Duvet Cover', 'Fitted Sheet', 'Pillowcases'],
          attributes: { size: ['Single', 'Double', 'King'], color: colors },
          priceRange: [12, 189],
        },
      },
    },
  },
  {
    name: 'Sports & Outdoors',
    brands: ['Peakline', 'Stridewell', 'Aquaforge', 'Trailmark'],
    children: {
      Fitness: {
        'Yoga & Pilates': {
          nouns: ['Yoga Mat', 'Foam Roller', 'Pilates Ring', 'Yoga Block'],
          attributes: { color: colors },
          priceRange: [9, 89],
        },
        'Strength Training': {
          nouns: ['Dumbbell Set', 'Kettlebell', 'Resistance Bands', 'Weight Bench'],
          attributes: { weight: ['5 kg', '10 kg', '20 kg'] },
          priceRange: [14, 449],
        },
      },
      Outdoor: {
        Camping: {
          nouns: ['Tent', 'Sleeping Bag', 'Camping Stove', 'Headlamp', 'Backpack'],
          attributes: { capacity: ['1 person', '2 person', '4 person'] },
          priceRange: [12, 599],
        },
        Cycling: {
          nouns: ['Bike Helmet', 'Bike Light Set', 'Cycling Gloves', 'Bike Lock'],
          attributes: { color: colors, size: sizes },
          priceRange: [9, 229],
        },
      },
      Running: {
        'Running Shoes': {
          nouns: ['Running Shoes', 'Trail Running Shoes', 'Racing Flats'],
          attributes: { size: ['7', '8', '9', '10', '11', '12'], color: colors },
          priceRange: [49, 229],
        },
      },
    },
  },
  {
    name: 'Toys & Games',
    brands: ['Playfort', 'Brickworks', 'Tinkertop', 'Gamecraft'],
    children: {
      'Building Toys': {
        'Construction Sets': {
          nouns: ['Building Blocks Set', 'Construction Kit', 'Marble Run', 'Magnetic Tiles'],
          attributes: { age: ['3+', '6+', '8+', '12+'] },
          priceRange: [14, 199],
        },
      },
      'Board Games': {
        'Family Games': {
          nouns: ['Board Game', 'Card Game', 'Party Game', 'Puzzle Game'],
          attributes: { players: ['2-4', '2-6', '3-8'] },
          priceRange: [9, 79],
        },
        Puzzles: {
          nouns: ['Jigsaw Puzzle', '3D Puzzle', 'Brain Teaser'],
          attributes: { pieces: ['500', '1000', '2000'] },
          priceRange: [7, 59],
        },
      },
      'Video Games': {
        Consoles: {
          nouns: ['Game Console', 'Handheld Console', 'Retro Console'],
          attributes: { storage: ['512 GB', '1 TB'] },
          priceRange: [99, 599],
        },
        Controllers: {
          nouns: ['Wireless Controller', 'Pro Controller', 'Racing Wheel', 'Arcade Stick'],
          attributes: { color: colors },
          priceRange: [24, 299],
        },
      },
    },
  },
];

const adjectives = [
  'Classic',
  'Pro',
  'Ultra',
  'Essential',
  'Premium',
  'Compact',
  'Deluxe',
  'Eco',
  'Smart',
  'Lite',
  'Max',
  'Plus',
];
const claims = [
  'durable',
  'lightweight',
  'easy to clean',
  'award-winning',
  'energy efficient',
  'ergonomic',
  'portable',
  'best-selling',
];

function leaves(): { dept: Department; leaf: Leaf }[] {
  return departments.flatMap((dept) =>
    Object.entries(dept.children).flatMap(([mid, leafs]) =>
      Object.entries(leafs).map(([name, l]) => ({ dept, leaf: { ...l, path: [dept.name, mid, name] } })),
    ),
  );
}

export interface DemoOptions {
  count: number;
  seed: number;
}

export function* generateDemoCatalog({ count, seed }: DemoOptions): Generator<Product> {
  const rand = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const all = leaves();
  const epoch = Date.UTC(2024, 0, 1);
  const byLeaf = new Map<string, string[]>();
  for (let i = 0; i < count; i++) {
    const { dept, leaf } = all[i % all.length]!;
    const id = `DEMO-${String(i + 1).padStart(6, '0')}`;
    const brand = pick(dept.brands);
    const noun = pick(leaf.nouns);
    const attributes = Object.fromEntries(Object.entries(leaf.attributes).map(([k, vs]) => [k, pick(vs)]));
    const variant = Object.values(attributes)[0];
    const title = `${brand} ${pick(adjectives)} ${noun}${variant ? `, ${variant}` : ''}`;
    const [lo, hi] = leaf.priceRange;
    const price = Math.round((lo + (hi - lo) * rand() ** 2) * 100) / 100 - 0.01;
    const onSale = rand() < 0.25;
    const ratingCount = Math.floor(rand() ** 3 * 2000);
    const leafKey = leaf.path.join('/');
    const siblings = byLeaf.get(leafKey) ?? [];
    byLeaf.set(leafKey, [...siblings.slice(-20), id]);
    yield {
      id,
      title,
      description: `The ${brand} ${noun.toLowerCase()} is ${pick(claims)} and ${pick(claims)}. ${Object.entries(
        attributes,
      )
        .map(([k, v]) => `${k[0]!.toUpperCase()}${k.slice(1)}: ${v}.`)
        .join(' ')}`,
      brand,
      categories: leaf.path,
      price: Math.max(0.99, Math.round(price * 100) / 100),
      ...(onSale ? { list_price: Math.round(price * (1.1 + rand() * 0.4) * 100) / 100 } : {}),
      currency: 'USD',
      ...(ratingCount > 0 ? { rating: Math.round((2.5 + rand() * 2.5) * 10) / 10, rating_count: ratingCount } : {}),
      in_stock: rand() < 0.9,
      attributes,
      related: siblings.slice(-3),
      // Zipf-like: a few best sellers, a long tail.
      popularity: Math.round(1000 / (1 + rand() * 200)),
      created_at: new Date(epoch + Math.floor(rand() * 700) * 86400000).toISOString(),
    };
  }
}
