import { describe, expect, it } from 'vitest';
import { eventType, unstructSchemaFields } from './event-type.js';

describe('event type and schema fields (step 9)', () => {
  it.each([
    ['pv', 'page_view', 'com.snowplowanalytics.snowplow', 'page_view'],
    ['pp', 'page_ping', 'com.snowplowanalytics.snowplow', 'page_ping'],
    ['se', 'struct', 'com.google.analytics', 'event'],
    ['ev', 'struct', 'com.google.analytics', 'event'],
    ['tr', 'transaction', 'com.snowplowanalytics.snowplow', 'transaction'],
    ['ti', 'transaction_item', 'com.snowplowanalytics.snowplow', 'transaction_item'],
  ])('e=%s is %s with vendor %s, name %s, jsonschema 1-0-0', (e, event, vendor, name) => {
    expect(eventType(e)).toEqual({ event, schema: { event_vendor: vendor, event_name: name, event_format: 'jsonschema', event_version: '1-0-0' } });
  });

  it('a self-describing event takes its fields from its schema', () => {
    expect(eventType('ue')).toEqual({ event: 'unstruct' });
    expect(unstructSchemaFields('iglu:com.snowplowanalytics.snowplow.ecommerce/snowplow_ecommerce_action/jsonschema/1-0-2')).toEqual({
      event_vendor: 'com.snowplowanalytics.snowplow.ecommerce', event_name: 'snowplow_ecommerce_action', event_format: 'jsonschema', event_version: '1-0-2',
    });
  });

  it('legacy ad impressions and unknown codes have no type', () => {
    for (const e of ['ad', 'xx', 'PV', '', 'constructor', '__proto__']) expect(eventType(e), e).toBeUndefined();
  });
});
