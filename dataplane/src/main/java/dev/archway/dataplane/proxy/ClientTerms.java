package dev.archway.dataplane.proxy;

/**
 * How a forwarded response may be framed and whether the client connection survives it.
 *
 * @param keepAlive whether the client connection stays open after this exchange
 * @param chunkedAllowed whether the client can read a chunked body (not HTTP/1.0)
 * @param headRequest whether the request was HEAD (the response has no body)
 * @param upgrade whether the client asked for WebSocket ({@link WebSocketUpgrade}): the request
 *     goes on a fresh HTTP/1.1 connection that is never pooled, and a 101 turns the exchange into a
 *     tunnel
 */
record ClientTerms(
    boolean keepAlive, boolean chunkedAllowed, boolean headRequest, boolean upgrade) {}
