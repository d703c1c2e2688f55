/**
 * The runners that connect the pipeline stages in one process: provider, translator, data plane,
 * and the statuses a user reads back.
 */
package dev.archway.app.runtime;
