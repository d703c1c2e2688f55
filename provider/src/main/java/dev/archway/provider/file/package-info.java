/**
 * The file provider: loads manifests from files and directories and reloads them when they change,
 * so that standalone mode picks up edits without a restart.
 */
package dev.archway.provider.file;
