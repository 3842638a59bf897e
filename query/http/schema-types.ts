// Routes take their request types from the JSON Schemas that validate them (json-schema-to-ts), so
// a parameter's type and its validation have one source. Answers are typed by the engines that
// build them; their schemas only shape serialization and the OpenAPI document.
import type { FastifyTypeProvider } from 'fastify';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

export interface SchemaTypes extends FastifyTypeProvider {
  validator: this['schema'] extends JSONSchema ? FromSchema<this['schema']> : unknown;
  serializer: unknown;
}
