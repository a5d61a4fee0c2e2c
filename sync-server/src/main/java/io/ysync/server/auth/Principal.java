package io.ysync.server.auth;

import java.util.List;

/**
 * Who a connection or API call acts for, from a verified token (or everybody in development mode).
 *
 * @param subject the token's {@code sub}, or {@code "anonymous"}
 * @param documents allowed document names: exact names, or prefixes ending with {@code *} ({@code "*"} = all)
 * @param readOnly mode {@code read-only}: updates are refused
 * @param expiresAtMillis token expiry (epoch millis), or {@code Long.MAX_VALUE}
 */
public record Principal(String subject, List<String> documents, boolean readOnly, long expiresAtMillis) {

  /** Development mode: every document, read-write, never expires. */
  public static final Principal ANONYMOUS = new Principal("anonymous", List.of("*"), false, Long.MAX_VALUE);

  public Principal {
    documents = List.copyOf(documents);
  }

  /** Whether this principal may open the named document. */
  public boolean allows(String document) {
    for (String pattern : documents) {
      if (pattern.endsWith("*")) {
        if (document.startsWith(pattern.substring(0, pattern.length() - 1))) {
          return true;
        }
      } else if (pattern.equals(document)) {
        return true;
      }
    }
    return false;
  }
}
