package dev.archway.echo;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON body of an echo answer, shaped like the conformance echo server's so that the same
 * assertions work against both.
 */
final class EchoReply {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private EchoReply() {}

  static byte[] json(
      EchoIdentity identity, HttpRequest request, String proto, EchoHandler.Received body) {
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("path", request.uri());
    reply.put("host", request.headers().get(HttpHeaderNames.HOST, ""));
    reply.put("method", request.method().name());
    reply.put("proto", proto);
    reply.put("headers", headers(request));
    reply.put("namespace", identity.namespace());
    reply.put("ingress", "");
    reply.put("service", identity.service());
    reply.put("pod", identity.pod());
    reply.put("bodyLength", body.length());
    reply.put("bodySha256", body.sha256());
    return JSON.writeValueAsBytes(reply);
  }

  /**
   * The request headers as Go's {@code http.Request.Header} would hold them: canonical names, Host
   * and Transfer-Encoding moved out, and without the {@code x-http2-*} names Netty adds when it
   * turns an HTTP/2 stream into HTTP/1 objects.
   */
  private static Map<String, List<String>> headers(HttpRequest request) {
    Map<String, List<String>> headers = new TreeMap<>();
    for (Map.Entry<String, String> e : request.headers()) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if (name.equals("host") || name.equals("transfer-encoding") || isHttp2Extension(name)) {
        continue;
      }
      headers.computeIfAbsent(canonical(name), k -> new ArrayList<>()).add(e.getValue());
    }
    return headers;
  }

  private static boolean isHttp2Extension(String name) {
    for (HttpConversionUtil.ExtensionHeaderNames extension :
        HttpConversionUtil.ExtensionHeaderNames.values()) {
      if (extension.text().contentEqualsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /** Go's {@code textproto.CanonicalMIMEHeaderKey}: {@code x-forwarded-for} → X-Forwarded-For. */
  static String canonical(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    boolean upper = true;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == ' ' || c > 0x7f) {
        return name; // Go leaves keys that are not valid tokens alone
      }
      sb.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
      upper = c == '-';
    }
    return sb.toString();
  }
}
