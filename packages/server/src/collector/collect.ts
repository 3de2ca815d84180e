/**
 * One collector request, start to finish, without I/O: expand it into raw events (step 2), work
 * out the request-level facts (steps 1 and 3: receipt time, client address, user agent, Referer,
 * network user id from the `sp` cookie unless `SP-Anonymous`), enrich each event and sort the
 * results into good events for the log and bad rows with their reasons. The route does the I/O.
 */
import { randomUUID } from 'node:crypto';
import type { LoggedEvent } from '../stream/durability.js';
import { networkUserIdOf } from './cookie.js';
import { enrichEvent, type RawEvent, type RequestFacts } from './enrich/index.js';
import { firstAddress, socketAddress } from './enrich/request-defaults.js';
import { type ExpandedRequest, expandGet, expandTp2Post, queryParameters } from './payload.js';

export const COLLECTOR_VERSION = '0.1.0';
export const COLLECTOR_NAME = `signalbox-collector-${COLLECTOR_VERSION}`;
export const ENRICH_NAME = `signalbox-enrich-${COLLECTOR_VERSION}`;

export type CollectorSource = 'collector/tp2' | 'collector/i';

export interface IncomingRequest {
  source: CollectorSource;
  method: 'GET' | 'POST';
  /** Epoch ms of receipt: `collector_tstamp` and `etl_tstamp`. */
  receivedAt: number;
  /** The query string without `?`. */
  rawQuery: string;
  body?: string | undefined;
  contentType?: string | undefined;
  userAgent?: string | undefined;
  referer?: string | undefined;
  forwardedFor?: string | undefined;
  cookie?: string | undefined;
  /** The `SP-Anonymous` header was sent: no cookie, no IP, no network user id from the collector. */
  anonymous: boolean;
  socketAddress?: string | undefined;
}

export interface RejectedInput {
  /** 0-based element of a tp2 `data` array (0 for a GET); absent when the whole request failed. */
  position?: number;
  reasons: string[];
  payload: string;
}

export interface CollectorOutcome {
  good: LoggedEvent[];
  bad: RejectedInput[];
  /** The network user id to set in the `sp` cookie; absent for an anonymous request. */
  networkUserId: string | undefined;
  /** Set when the request as a whole could not be read (it is also in `bad`). */
  failure?: { kind: 'unsupported-media' | 'bad-payload'; reason: string };
}

export interface CollectOptions {
  collectorName?: string;
  etlName?: string;
  /** Id generator for network user ids and event ids (default random v4 UUIDs). */
  newId?: () => string;
}

export function collect(request: IncomingRequest, options: CollectOptions = {}): CollectorOutcome {
  const newId = options.newId ?? randomUUID;
  const query = queryParameters(request.rawQuery);
  const queryNuid = Object.hasOwn(query, 'nuid') ? query['nuid'] : undefined;
  const networkUserId = request.anonymous ? undefined : networkUserIdOf(queryNuid, request.cookie, newId);
  const forwarded = request.forwardedFor === undefined ? '' : firstAddress(request.forwardedFor);
  const facts: RequestFacts = {
    collectorTstamp: request.receivedAt,
    etlTstamp: request.receivedAt,
    collectorName: options.collectorName ?? COLLECTOR_NAME,
    etlName: options.etlName ?? ENRICH_NAME,
    ipAddress: request.anonymous ? undefined : forwarded !== '' ? forwarded : socketAddress(request.socketAddress),
    userAgent: request.userAgent,
    referer: request.referer,
    networkUserId,
  };

  const expanded: ExpandedRequest =
    request.method === 'POST' ? expandTp2Post(request.body ?? '', request.contentType, query) : expandGet(query, request.rawQuery);
  if (!expanded.ok) {
    const payload = request.method === 'POST' ? (request.body ?? '') : request.rawQuery;
    return { good: [], bad: [{ reasons: [expanded.reason], payload }], networkUserId, failure: { kind: expanded.kind, reason: expanded.reason } };
  }

  const good: LoggedEvent[] = [];
  const bad: RejectedInput[] = [];
  for (const item of expanded.events) {
    if (!item.ok) {
      bad.push({ position: item.position, reasons: [...item.reasons, ...otherProblems(item.partial, facts, newId)], payload: item.payload });
      continue;
    }
    const result = enrichEvent(item.raw, facts, { newEventId: newId });
    if (result.ok) good.push({ format: 'T', text: result.tsv, event: result.event });
    else bad.push({ position: item.position, reasons: result.reasons, payload: item.payload });
  }
  return { good, bad, networkUserId };
}

/**
 * What enrichment finds wrong with the rest of an element whose `dropped` parameters were not
 * strings (every reason is kept, design §5). A reason about a dropped parameter is left out:
 * "not a string" already says what is wrong with it.
 */
function otherProblems(partial: { raw: RawEvent; dropped: ReadonlySet<string> } | undefined, facts: RequestFacts, newId: () => string): string[] {
  if (partial === undefined) return [];
  const result = enrichEvent(partial.raw, facts, { newEventId: newId });
  if (result.ok) return [];
  // Reasons open with the parameters they are about: `e: …`, `ue_pr / ue_px: …`.
  const about = (reason: string) => reason.slice(0, Math.max(0, reason.indexOf(': '))).split(' / ');
  return result.reasons.filter((reason) => !about(reason).some((param) => partial.dropped.has(param)));
}
