package io.ysync.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ysync.server.ServerConfig;
import io.ysync.server.auth.AuthException.Reason;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
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
 * algorithm confusion). {@code exp} and {@code nbf} are checked with 30 s leeway; {@code exp}, {@code nbf} and
 * {@code iat} must be JSON numbers ({@link #verify}).
 *
 * <p>Claims: {@code docs} (array of document names, an entry ending with {@code *} is a prefix; a single string is
 * accepted too), {@code mode} ({@code rw} or {@code read-only}; absent = {@code read-only}), {@code sub}.
 *
 * <p>Thread-safe.
 */
public final class JwtVerifier {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long LEEWAY_SECONDS = 30;
  /** The largest NumericDate kept, in seconds: 9999-12-31T23:59:59Z; larger values are clamped to it. */
  static final long MAX_NUMERIC_DATE = 253_402_300_799L;
  private static final BigDecimal MAX_DATE = BigDecimal.valueOf(MAX_NUMERIC_DATE);

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
   * <p>The NumericDate claims {@code exp}, {@code nbf} and {@code iat} must be JSON numbers when present (a string,
   * boolean, null, array or object is refused); fractions count as the second they fall in, and values beyond the
   * years -9999..9999 are clamped to them, so no value overflows: a huge {@code exp} never expires (within this
   * range), a huge {@code nbf} is never valid.
   *
   * @param nowMillis the current time
   * @throws AuthException when the token is malformed, badly signed, expired or not valid yet; its message is a
   *     fixed text (never text from the token)
   */
  public Principal verify(String token, long nowMillis) throws AuthException {
    if (token == null || token.isEmpty()) {
      throw new AuthException(Reason.MISSING);
    }
    int dot1 = token.indexOf('.');
    int dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
    if (dot1 <= 0 || dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) {
      throw new AuthException(Reason.MALFORMED);
    }
    JsonNode header = json(token.substring(0, dot1));
    JsonNode claims = json(token.substring(dot1 + 1, dot2));
    byte[] signingInput = token.substring(0, dot2).getBytes(StandardCharsets.US_ASCII);
    byte[] signature = b64(token.substring(dot2 + 1));
    JsonNode alg = header.path("alg");
    if (!alg.isTextual() || !checkSignature(alg.textValue(), signingInput, signature)) {
      throw new AuthException(alg.isTextual() ? Reason.BAD_SIGNATURE : Reason.MALFORMED);
    }
    long nowSeconds = Math.floorDiv(nowMillis, 1000);
    Long exp = numericDate(claims, "exp");
    if (exp != null && nowSeconds - LEEWAY_SECONDS > exp) {
      throw new AuthException(Reason.EXPIRED);
    }
    Long nbf = numericDate(claims, "nbf");
    if (nbf != null && nowSeconds + LEEWAY_SECONDS < nbf) {
      throw new AuthException(Reason.NOT_YET_VALID);
    }
    numericDate(claims, "iat"); // only its type is checked
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
      default -> throw new AuthException(Reason.BAD_CLAIM);
    };
    long expMillis = exp == null ? Long.MAX_VALUE : exp * 1000L; // |exp| <= MAX_NUMERIC_DATE: no overflow
    return new Principal(claims.path("sub").asText("unknown"), docs, readOnly, expMillis);
  }

  /**
   * A NumericDate claim (RFC 7519 section 2) in whole seconds (the floor of a fraction), clamped to
   * +-{@link #MAX_NUMERIC_DATE}; {@code null} when the claim is absent.
   *
   * @throws AuthException if the claim is present but not a JSON number
   */
  static Long numericDate(JsonNode claims, String name) throws AuthException {
    JsonNode n = claims.get(name);
    if (n == null) {
      return null;
    }
    if (!n.isNumber()) {
      throw new AuthException(Reason.BAD_CLAIM);
    }
    BigDecimal seconds = n.decimalValue().setScale(0, RoundingMode.FLOOR);
    if (seconds.compareTo(MAX_DATE) > 0) {
      return MAX_NUMERIC_DATE;
    }
    if (seconds.compareTo(MAX_DATE.negate()) < 0) {
      return -MAX_NUMERIC_DATE;
    }
    return seconds.longValueExact();
  }

  private boolean checkSignature(String alg, byte[] input, byte[] signature) throws AuthException {
    try {
      switch (alg) {
        case "HS256" -> {
          if (secret == null) {
            throw new AuthException(Reason.ALGORITHM_NOT_ACCEPTED);
          }
          Mac mac = Mac.getInstance("HmacSHA256");
          mac.init(new SecretKeySpec(secret, "HmacSHA256"));
          return MessageDigest.isEqual(mac.doFinal(input), signature);
        }
        case "RS256" -> {
          if (!(publicKey instanceof RSAPublicKey)) {
            throw new AuthException(Reason.ALGORITHM_NOT_ACCEPTED);
          }
          Signature s = Signature.getInstance("SHA256withRSA");
          s.initVerify(publicKey);
          s.update(input);
          return s.verify(signature);
        }
        case "ES256" -> {
          if (!(publicKey instanceof ECPublicKey)) {
            throw new AuthException(Reason.ALGORITHM_NOT_ACCEPTED);
          }
          if (signature.length != 64) {
            return false;
          }
          Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
          s.initVerify(publicKey);
          s.update(input);
          return s.verify(signature);
        }
        default -> throw new AuthException(Reason.ALGORITHM_NOT_ACCEPTED);
      }
    } catch (GeneralSecurityException e) {
      // a signature the provider cannot even parse is a bad signature; its message is not passed on
      return false;
    }
  }

  private static JsonNode json(String part) throws AuthException {
    try {
      JsonNode n = JSON.readTree(b64(part));
      if (n == null || !n.isObject()) {
        throw new AuthException(Reason.MALFORMED);
      }
      return n;
    } catch (IOException e) {
      throw new AuthException(Reason.MALFORMED);
    }
  }

  private static byte[] b64(String part) throws AuthException {
    try {
      return Base64.getUrlDecoder().decode(part);
    } catch (IllegalArgumentException e) {
      throw new AuthException(Reason.MALFORMED);
    }
  }
}
