/** What every source kind delivers: raw items plus the state to resume from next time. */

export interface Engagement {
  reposts: number;
  replies: number;
  likes: number;
  quotes: number;
}

export interface RawItem {
  /** Stable id within the source (guid, tweet id, status id, or the link when nothing else). */
  externalId: string;
  url?: string;
  title?: string;
  /** Body as HTML; normalisation turns it into text. */
  html?: string;
  /** Body already as plain text (takes precedence over html). */
  text?: string;
  author?: string;
  publishedAt?: number;
  /** Language the source states (ISO 639-1): a hint for detection, not the answer. */
  langHint?: string;
  engagement?: Engagement;
  /** Where the post sits in a conversation, as the platform identifies it (ids within the source). */
  thread?: ThreadRefs;
}

export interface ThreadRefs {
  conversationId?: string;
  repliedTo?: string;
  quoted?: string;
  reposted?: string;
}

export interface SourceState {
  etag: string | null;
  lastModified: string | null;
  /** Resume point for APIs with since_id. */
  cursor: string | null;
  /** Paid reads already used this calendar month (for sources with a read budget). */
  readsThisMonth: number;
}

export interface FetchResult {
  items: RawItem[];
  /** Only the keys that change are given. */
  state?: Partial<SourceState>;
  /** The server said nothing changed (HTTP 304). */
  notModified?: boolean;
  /** Paid reads used by this fetch (X bills per post read). */
  reads?: number;
}

export interface FetchContext {
  signal: AbortSignal;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

export interface Source {
  readonly id: string;
  readonly type: string;
  fetch(state: SourceState, ctx: FetchContext): Promise<FetchResult>;
}

/** A failure with a reason staff can read in `veille status`. */
export class SourceError extends Error {
  constructor(
    message: string,
    /** When the server told us when to come back (429 reset, Retry-After), in epoch ms. */
    readonly retryAt?: number,
  ) {
    super(message);
  }
}

/** Orders X and Mastodon ids: decimal snowflakes, too large for a JavaScript number. */
export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
