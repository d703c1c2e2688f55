package dev.archway.ir;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Objects;

/** A change the data plane makes to a request or its response, in HTTPRoute filter terms. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(
      value = HttpFilter.RequestHeaderModifier.class,
      name = "RequestHeaderModifier"),
  @JsonSubTypes.Type(
      value = HttpFilter.ResponseHeaderModifier.class,
      name = "ResponseHeaderModifier"),
  @JsonSubTypes.Type(value = HttpFilter.RequestRedirect.class, name = "RequestRedirect"),
  @JsonSubTypes.Type(value = HttpFilter.UrlRewrite.class, name = "URLRewrite")
})
public sealed interface HttpFilter {

  /** A header name and value. */
  record Header(String name, String value) {
    public Header {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * Edits request headers before the request is forwarded: set overwrites, add appends, remove
   * deletes; names are case-insensitive.
   */
  record RequestHeaderModifier(List<Header> set, List<Header> add, List<String> remove)
      implements HttpFilter {
    public RequestHeaderModifier {
      set = List.copyOf(Objects.requireNonNullElse(set, List.of()));
      add = List.copyOf(Objects.requireNonNullElse(add, List.of()));
      remove = List.copyOf(Objects.requireNonNullElse(remove, List.of()));
    }
  }

  /** Edits the backend's response headers before they reach the client. */
  record ResponseHeaderModifier(List<Header> set, List<Header> add, List<String> remove)
      implements HttpFilter {
    public ResponseHeaderModifier {
      set = List.copyOf(Objects.requireNonNullElse(set, List.of()));
      add = List.copyOf(Objects.requireNonNullElse(add, List.of()));
      remove = List.copyOf(Objects.requireNonNullElse(remove, List.of()));
    }
  }

  /**
   * Answers with a redirect instead of forwarding.
   *
   * @param scheme the new scheme, or null to keep the request's
   * @param hostname the new host, or null to keep the request's (without its port)
   * @param port the new port, or null: then the scheme's well-known port when a scheme is set,
   *     otherwise the listener's port; 80 for http and 443 for https are left out of Location
   * @param path how to change the path, or null to keep it
   * @param statusCode 301, 302, 303, 307 or 308
   */
  record RequestRedirect(
      String scheme, String hostname, Integer port, PathModifier path, int statusCode)
      implements HttpFilter {}

  /**
   * Rewrites the request before forwarding.
   *
   * @param hostname the new Host, or null to keep it
   * @param path how to change the path, or null to keep it
   */
  record UrlRewrite(String hostname, PathModifier path) implements HttpFilter {}

  /**
   * A path change for redirects and rewrites.
   *
   * @param type full replacement, or replacement of the prefix the route matched
   * @param value the replacement
   * @param matchedPrefix for {@link Type#REPLACE_PREFIX_MATCH}: the route's PathPrefix value
   */
  record PathModifier(Type type, String value, String matchedPrefix) {
    public PathModifier {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(value, "value");
    }

    /** The spec's path modifier types. */
    public enum Type {
      REPLACE_FULL_PATH,
      REPLACE_PREFIX_MATCH
    }
  }
}
