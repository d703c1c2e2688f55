/**
 * Listening sockets and what each accepted connection becomes. {@link
 * dev.archway.dataplane.listener.FrontendTable} is compiled from the IR next to the route table and
 * says, per bound address and port, whether it serves HTTP, HTTPS (SNI, TLS, ALPN, then the HTTP
 * proxy), TLS passthrough or termination to TCP, plain TCP, or UDP. {@link
 * dev.archway.dataplane.listener.ListenerSockets} keeps sockets bound across applies while their
 * port stays configured (even if its kind changes: a connection is set up from the table current
 * when it is accepted), binds new ones and drains removed ones.
 */
package dev.archway.dataplane.listener;
