package io.ysync.server.auth;

/** Whether connections and HTTP API calls must present a JWT. */
public enum AuthMode {
  /** Development mode: everybody may read and write every document. */
  OFF,
  /** A valid JWT is required (query parameter {@code token}, cookie {@code access_token} or bearer header). */
  JWT
}
