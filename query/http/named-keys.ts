// Named secret keys from configuration ("name:key,name:key"), compared in constant time: digests
// of equal length through timingSafeEqual, every key checked, so the time taken says nothing about
// which key was close. Used for admin keys and for the API keys that identify clients.
import { createHash, timingSafeEqual } from 'node:crypto';

export interface NamedKeys {
  /** The name of the key given, or undefined when it is none of them. */
  nameOf(given: string): string | undefined;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** `spec` is "name:key,name:key"; a malformed entry is a configuration error naming `setting`. */
export function namedKeys(spec: string, setting: string): NamedKeys {
  const keys = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const i = entry.indexOf(':');
      if (i <= 0 || i === entry.length - 1) throw new Error(`${setting} entries must be name:key`);
      return { name: entry.slice(0, i), key: digest(entry.slice(i + 1)) };
    });
  return {
    nameOf(given) {
      const d = digest(given);
      let name: string | undefined;
      for (const k of keys) if (timingSafeEqual(d, k.key) && name === undefined) name = k.name;
      return name;
    },
  };
}
