package dev.archway.dataplane.routing;

import dev.archway.ir.HttpFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * The filters of a rule or of a backendRef, sorted by what they act on so that the proxy does not
 * re-inspect the IR list per request. Header modifiers keep their list order.
 *
 * @param redirect the first RequestRedirect, or null
 * @param urlRewrite the first URLRewrite, or null
 */
public record FilterChain(
    HttpFilter.RequestRedirect redirect,
    HttpFilter.UrlRewrite urlRewrite,
    List<HttpFilter.RequestHeaderModifier> requestHeaderModifiers,
    List<HttpFilter.ResponseHeaderModifier> responseHeaderModifiers) {
  public static final FilterChain EMPTY = new FilterChain(null, null, List.of(), List.of());

  public FilterChain {
    requestHeaderModifiers = List.copyOf(requestHeaderModifiers);
    responseHeaderModifiers = List.copyOf(responseHeaderModifiers);
  }

  /** Sorts already validated filters; see {@link RouteTableCompiler} for the validation. */
  static FilterChain of(List<HttpFilter> filters) {
    if (filters.isEmpty()) {
      return EMPTY;
    }
    HttpFilter.RequestRedirect redirect = null;
    HttpFilter.UrlRewrite rewrite = null;
    List<HttpFilter.RequestHeaderModifier> request = new ArrayList<>();
    List<HttpFilter.ResponseHeaderModifier> response = new ArrayList<>();
    for (HttpFilter filter : filters) {
      switch (filter) {
        case HttpFilter.RequestRedirect r -> redirect = redirect == null ? r : redirect;
        case HttpFilter.UrlRewrite u -> rewrite = rewrite == null ? u : rewrite;
        case HttpFilter.RequestHeaderModifier m -> request.add(m);
        case HttpFilter.ResponseHeaderModifier m -> response.add(m);
      }
    }
    return new FilterChain(redirect, rewrite, request, response);
  }

  boolean isEmpty() {
    return this.equals(EMPTY);
  }
}
