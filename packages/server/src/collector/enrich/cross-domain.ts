/**
 * Step 8 of the minimal enrichment (reference §6): the JS tracker's cross-domain linker appends
 * `_sp=<domain_userid>.<ms epoch>` to links; on the landing page that parameter tells which
 * domain user followed the link and when. Splitting never fails an event: a malformed time only
 * leaves `refr_dvce_tstamp` empty.
 */
import { parseEpochMillis } from './timestamps.js';
import { parseQueryString } from './url.js';

export interface CrossDomain {
  refrDomainUserId: string | undefined;
  /** Epoch ms of the click, when the parameter carried a valid one. */
  refrDeviceTime: number | undefined;
}

/** Reads `_sp` from a page URL query (raw, without `?`), or `undefined` when it is absent or empty. */
export function crossDomain(query: string): CrossDomain | undefined {
  const sp = parseQueryString(query).find(([name]) => name === '_sp')?.[1];
  if (sp === undefined || sp === '') return undefined;
  const [duid, time] = sp.split('.');
  const ms = time === undefined ? undefined : parseEpochMillis(time);
  return {
    refrDomainUserId: duid === '' ? undefined : duid,
    refrDeviceTime: typeof ms === 'number' ? ms : undefined,
  };
}
