/**
 * @signalbox/sdk — the Signalbox TypeScript SDK. The browser intervention subscriber is also
 * available on its own as `@signalbox/sdk/browser` (no runtime dependencies).
 */
export {
  SignalsInterventionsPlugin,
  addInterventionHandlers,
  removeInterventionHandlers,
  subscribeToInterventions,
} from './browser/interventions.js';
export type {
  Intervention,
  InterventionHandler,
  InterventionSubscription,
  InterventionsBrowserPlugin,
  SubscribeOptions,
  TrackerLike,
} from './browser/interventions.js';
