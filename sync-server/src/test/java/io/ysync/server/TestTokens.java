package io.ysync.server;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs JWTs for tests (HS256, RS256, ES256), with the JDK only. */
public final class TestTokens {
  private TestTokens() {}

  public static String b64(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  public static String b64(String s) {
    return b64(s.getBytes(StandardCharsets.UTF_8));
  }

  public static String claims(String docsJsonArray, String mode, long expSeconds) {
    return "{\"sub\":\"tester\",\"docs\":" + docsJsonArray + (mode == null ? "" : ",\"mode\":\"" + mode + "\"")
        + (expSeconds == 0 ? "" : ",\"exp\":" + expSeconds) + "}";
  }

  public static String hs256(String secret, String claimsJson) throws Exception {
    String input = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + b64(claimsJson);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
  }

  public static String rs256(PrivateKey key, String claimsJson) throws Exception {
    String input = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + b64(claimsJson);
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(key);
    s.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + b64(s.sign());
  }

  public static String es256(PrivateKey key, String claimsJson) throws Exception {
    String input = b64("{\"alg\":\"ES256\",\"typ\":\"JWT\"}") + "." + b64(claimsJson);
    Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
    s.initSign(key);
    s.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + b64(s.sign());
  }

  public static long inSeconds(long seconds) {
    return System.currentTimeMillis() / 1000 + seconds;
  }
}
