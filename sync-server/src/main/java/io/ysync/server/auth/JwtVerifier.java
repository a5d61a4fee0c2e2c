package io.ysync.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ysync.server.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies compact JWS tokens (RFC 7515/7519) with the JDK only: HS256 with a shared secret, RS256 with an RSA
 * public key, ES256 with an EC P-256 public key. The algorithm must match the configured key (no {@code none}, no
 * algorithm confusion). {@code exp} and {@code nbf} are checked with 30 s leeway.
 *
 * <p>Claims: {@code docs} (array of document names, an entry ending with {@code *} is a prefix; a single string is
 * accepted too), {@code mode} ({@code rw} or {@code read-only}; absent = {@code read-only}), {@code sub}.
 *
 * <p>Thread-safe.
 */
public final class JwtVerifier {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long LEEWAY_SECONDS = 30;

  private final byte[] secret;
  private final PublicKey publicKey;

  /**
   * @param secret HS256 secret (UTF-8 bytes) or {@code null}
   * @param publicKey RSA or EC public key or {@code null}; at least one of both
   */
  public JwtVerifier(byte[] secret, PublicKey publicKey) {
    if (secret == null && publicKey == null) {
      throw new IllegalArgumentException("a JWT verifier needs a secret or a public key");
    }
    this.secret = secret == null ? null : secret.clone();
    this.publicKey = publicKey;
  }

  /** Builds the verifier the configuration asks for. */
  public static JwtVerifier fromConfig(ServerConfig config) throws IOException, GeneralSecurityException {
    byte[] secret = config.jwtSecret() == null ? null : config.jwtSecret().getBytes(StandardCharsets.UTF_8);
    PublicKey key = config.jwtPublicKeyPem() == null ? null : readPublicKey(config.jwtPublicKeyPem());
    return new JwtVerifier(secret, key);
  }

  /** Reads an X.509 SubjectPublicKeyInfo PEM ({@code BEGIN PUBLIC KEY}) holding an RSA or EC key. */
  public static PublicKey readPublicKey(Path pem) throws IOException, GeneralSecurityException {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    return parsePublicKey(text);
  }

  /** Parses PEM text; see {@link #readPublicKey}. */
  public static PublicKey parsePublicKey(String pemText) throws GeneralSecurityException {
    String b64 = pemText.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
    byte[] der = Base64.getDecoder().decode(b64);
    X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
    try {
      return KeyFactory.getInstance("RSA").generatePublic(spec);
    } catch (GeneralSecurityException e) {
      return KeyFactory.getInstance("EC").generatePublic(spec);
    }
  }

  /**
   * Verifies a token and returns its principal.
   *
   * @param nowMillis the current time
   * @throws AuthException when the token is malformed, badly signed, expired or not valid yet
   */
  public Principal verify(String token, long nowMillis) throws AuthException {
    if (token == null || token.isEmpty()) {
      throw new AuthException("missing token");
    }
    int dot1 = token.indexOf('.');
    int dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
    if (dot1 <= 0 || dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) {
      throw new AuthException("malformed token");
    }
    JsonNode header = json(token.substring(0, dot1), "header");
    JsonNode claims = json(token.substring(dot1 + 1, dot2), "claims");
    byte[] signingInput = token.substring(0, dot2).getBytes(StandardCharsets.US_ASCII);
    byte[] signature = b64(token.substring(dot2 + 1), "signature");
    String alg = header.path("alg").asText("");
    if (!checkSignature(alg, signingInput, signature)) {
      throw new AuthException("bad signature");
    }
    long nowSeconds = nowMillis / 1000;
    long exp = Long.MAX_VALUE;
    if (claims.has("exp")) {
      if (!claims.get("exp").isNumber()) {
        throw new AuthException("malformed exp");
      }
      exp = claims.get("exp").asLong();
      if (nowSeconds > exp + LEEWAY_SECONDS) {
        throw new AuthException("token expired");
      }
    }
    if (claims.has("nbf") && nowSeconds + LEEWAY_SECONDS < claims.get("nbf").asLong()) {
      throw new AuthException("token not valid yet");
    }
    List<String> docs = new ArrayList<>();
    JsonNode d = claims.path("docs");
    if (d.isArray()) {
      d.forEach(n -> docs.add(n.asText()));
    } else if (d.isTextual()) {
      docs.add(d.asText());
    }
    String mode = claims.path("mode").asText("read-only");
    boolean readOnly = switch (mode) {
      case "rw" -> false;
      case "read-only" -> true;
      default -> throw new AuthException("mode must be rw or read-only");
    };
    long expMillis = exp == Long.MAX_VALUE ? Long.MAX_VALUE : Math.multiplyExact(exp, 1000L);
    return new Principal(claims.path("sub").asText("unknown"), docs, readOnly, expMillis);
  }

  private boolean checkSignature(String alg, byte[] input, byte[] signature) throws AuthException {
    try {
      switch (alg) {
        case "HS256" -> {
          if (secret == null) {
            throw new AuthException("HS256 tokens are not accepted");
          }
          Mac mac = Mac.getInstance("HmacSHA256");
          mac.init(new SecretKeySpec(secret, "HmacSHA256"));
          return MessageDigest.isEqual(mac.doFinal(input), signature);
        }
        case "RS256" -> {
          if (!(publicKey instanceof RSAPublicKey)) {
            throw new AuthException("RS256 tokens are not accepted");
          }
          Signature s = Signature.getInstance("SHA256withRSA");
          s.initVerify(publicKey);
          s.update(input);
          return s.verify(signature);
        }
        case "ES256" -> {
          if (!(publicKey instanceof ECPublicKey) || signature.length != 64) {
            throw new AuthException("ES256 token not accepted");
          }
          Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
          s.initVerify(publicKey);
          s.update(input);
          return s.verify(signature);
        }
        default -> throw new AuthException("unsupported alg '" + alg + "'");
      }
    } catch (GeneralSecurityException e) {
      throw new AuthException("signature check failed: " + e.getMessage());
    }
  }

  private static JsonNode json(String part, String what) throws AuthException {
    try {
      JsonNode n = JSON.readTree(b64(part, what));
      if (n == null || !n.isObject()) {
        throw new AuthException("malformed " + what);
      }
      return n;
    } catch (IOException e) {
      throw new AuthException("malformed " + what);
    }
  }

  private static byte[] b64(String part, String what) throws AuthException {
    try {
      return Base64.getUrlDecoder().decode(part);
    } catch (IllegalArgumentException e) {
      throw new AuthException("malformed " + what);
    }
  }
}
