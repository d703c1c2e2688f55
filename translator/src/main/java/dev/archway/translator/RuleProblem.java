package dev.archway.translator;

import dev.archway.api.status.RouteConditionReason;

/**
 * Something wrong with a route, reported on each of its parents.
 *
 * @param reason the condition reason
 * @param message names the field, the value and what was expected
 */
record RuleProblem(RouteConditionReason reason, String message) {}
