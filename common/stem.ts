// Porter stemming from natural. Only the stemmer module is loaded: natural's package root loads
// dotenv, which reads any .env file in the working directory.
import { createRequire } from 'node:module';
import type { PorterStemmer as Stemmer } from 'natural/lib/natural/stemmers/index.js';

const PorterStemmer = createRequire(import.meta.url)(
  'natural/lib/natural/stemmers/porter_stemmer.js',
) as typeof Stemmer;

export const stem = (word: string): string => PorterStemmer.stem(word);
