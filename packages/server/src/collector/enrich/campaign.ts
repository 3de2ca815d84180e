/**
 * Step 7 of the minimal enrichment (reference §6): the campaign attribution enrichment with
 * Enrich's default configuration. `utm_*` parameters of the page URL's query fill the `mkt_*`
 * fields; the first known click-id parameter fills `mkt_clickid` and names its ad network.
 */
import { parseQueryString } from './url.js';

/** utm parameter → enriched field. The first occurrence of a parameter wins. */
export const CAMPAIGN_PARAMETERS: Readonly<Record<string, string>> = {
  utm_medium: 'mkt_medium',
  utm_source: 'mkt_source',
  utm_term: 'mkt_term',
  utm_content: 'mkt_content',
  utm_campaign: 'mkt_campaign',
};

/**
 * Click-id parameter → `mkt_network`. The first three are Enrich's defaults (reference §6 step 7);
 * Facebook's `fbclid` is added because ad traffic carries it as often as the others.
 */
export const CLICK_ID_NETWORKS: Readonly<Record<string, string>> = {
  gclid: 'Google',
  msclkid: 'Microsoft',
  dclid: 'DoubleClick',
  fbclid: 'Facebook',
};

/** The `mkt_*` fields for a page URL query (raw, without `?`). Empty values are skipped. */
export function campaignFields(query: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of parseQueryString(query)) {
    if (value === '') continue;
    const field = Object.hasOwn(CAMPAIGN_PARAMETERS, name) ? CAMPAIGN_PARAMETERS[name] : undefined;
    if (field !== undefined) {
      out[field] ??= value;
    } else if (Object.hasOwn(CLICK_ID_NETWORKS, name) && out['mkt_clickid'] === undefined) {
      out['mkt_clickid'] = value;
      out['mkt_network'] = CLICK_ID_NETWORKS[name]!;
    }
  }
  return out;
}
