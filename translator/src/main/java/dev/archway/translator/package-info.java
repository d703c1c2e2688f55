/**
 * The translator: a pure function from a {@link dev.archway.api.snapshot.ResourceSnapshot} (plus
 * the {@link dev.archway.api.runtime.RuntimeFacts} the data plane reported) to a {@link
 * dev.archway.translator.TranslationResult} holding the data plane's IR and the status of every
 * resource Archway owns. It reads top to bottom as a recipe in {@link
 * dev.archway.translator.Translator}: GatewayClasses, then Gateways and their listeners, then
 * HTTPRoutes attached to them, then the IR and the statuses. No I/O, no clock: the same input
 * always gives the same output, every list sorted, every name derived from a resource key.
 */
package dev.archway.translator;
