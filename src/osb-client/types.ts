/** Where and how to reach one broker. `password` is plain only in memory, never logged. */
export interface BrokerConnection {
  url: string;
  username: string;
  password: string;
  /** The registry's name for the broker (metrics label); absent before registration. */
  name?: string;
  /** This broker's own deadline; absent means the client's default. */
  timeoutMs?: number;
}

/** Per-call context propagated to the broker as headers (cf-v2-api.md §4.1). */
export interface OsbCallContext {
  vcapRequestId?: string;
  /** CC's originating identity: the user guid of the caller, when one is known. */
  userGuid?: string;
}
