/**
 * What a webhook receives for a fired intervention: the instances (one per target) that the
 * webhook's filters let through, or nothing when none do. The per-attempt `timestamp` and
 * `attempt` are added when it is sent (send.ts).
 */
import type { InterventionInstance } from '@signalbox/core';
import type { Firing } from '../evaluator.js';
import type { Webhook } from './webhook-store.js';

export interface WebhookPayload {
  type: 'intervention';
  webhook: string;
  intervention_id: string;
  name: string;
  version: number;
  fired_at: string;
  instances: InterventionInstance[];
}

/** The payload of `firing` for `webhook`, or undefined when its filters let no instance through. */
export function payloadFor(webhook: Webhook, firing: Firing): WebhookPayload | undefined {
  if (webhook.interventions && !webhook.interventions.includes(firing.name)) return undefined;
  const keys = webhook.attribute_keys;
  const instances = keys ? firing.instances.filter((i) => i.target_attribute_key && keys.includes(i.target_attribute_key.name)) : firing.instances;
  if (instances.length === 0) return undefined;
  return {
    type: 'intervention',
    webhook: webhook.name,
    intervention_id: firing.interventionId,
    name: firing.name,
    version: firing.version,
    fired_at: new Date(firing.at).toISOString(),
    instances,
  };
}
