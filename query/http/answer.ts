// How an engine's answer goes out: where it came from and which index version it is for, as headers.
import type { FastifyReply } from 'fastify';
import type { Answer } from '../search/answers.ts';

export function sendAnswer<T>(reply: FastifyReply, answer: Answer<T>): Answer<T>['value'] {
  reply.header('x-cache', answer.source).header('x-index-version', answer.version);
  return answer.value;
}
