/**
 * UDP proxying: datagrams from one client address form a session with its own connected upstream
 * socket to a backend picked by weight when the session starts; replies go back to that client from
 * the listener's port, and a session ends after it has been idle for a while.
 */
package dev.archway.dataplane.udp;
