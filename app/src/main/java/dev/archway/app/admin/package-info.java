/**
 * The admin API: health, readiness, statuses and the configuration in force, served on a loopback
 * address by default and never on a port that carries user traffic.
 */
package dev.archway.app.admin;
