/**
 * The {@code archway} command line: one picocli command per mode ({@code run}, {@code translate},
 * {@code status}, {@code echo}, {@code version}), each a thin shell over the pipeline stages.
 */
package dev.archway.app;
