// POST /events: a batch of shopper events (the format lives in events/shopper-event.ts).
export { eventBatchSchema as eventsBody } from '../../../events/shopper-event.ts';

export const eventsAccepted = {
  type: 'object',
  properties: {
    accepted: { type: 'integer', description: 'Events handed to the event log' },
    duplicates: { type: 'integer', description: 'Events left out because the batch repeated their event_id' },
  },
} as const;
