package io.ysync.server.auth;

import static io.ysync.server.TestTokens.claims;
import static io.ysync.server.TestTokens.inSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.server.TestTokens;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(60)
class JwtVerifierTest {
  private static final String SECRET = "s3cret-s3cret-s3cret-s3cret-s3cret";
  private final JwtVerifier hs = new JwtVerifier(SECRET.getBytes(StandardCharsets.UTF_8), null);
  private final long now = System.currentTimeMillis();

  @Test
  void hs256_validToken_givesPrincipal() throws Exception {
    Principal p = hs.verify(TestTokens.hs256(SECRET, claims("[\"doc-1\",\"team/*\"]", "rw", inSeconds(60))), now);
    assertEquals("tester", p.subject());
    assertFalse(p.readOnly());
    assertTrue(p.allows("doc-1"));
    assertTrue(p.allows("team/a/b"));
    assertFalse(p.allows("doc-2"));
    assertFalse(p.allows("team"));
  }

  @Test
  void modeMissing_isReadOnly_andReadOnlyModeIsReadOnly() throws Exception {
    assertTrue(hs.verify(TestTokens.hs256(SECRET, claims("[\"*\"]", null, 0)), now).readOnly());
    assertTrue(hs.verify(TestTokens.hs256(SECRET, claims("[\"*\"]", "read-only", 0)), now).readOnly());
    assertThrows(AuthException.class, () -> hs.verify(TestTokens.hs256(SECRET, claims("[\"*\"]", "admin", 0)), now));
  }

  @Test
  void badSignature_expired_notYetValid_malformed_none_areRejected() throws Exception {
    assertThrows(AuthException.class, () -> hs.verify(TestTokens.hs256("other", claims("[\"*\"]", "rw", 0)), now));
    assertThrows(AuthException.class,
        () -> hs.verify(TestTokens.hs256(SECRET, claims("[\"*\"]", "rw", inSeconds(-120))), now));
    assertThrows(AuthException.class, () -> hs.verify(TestTokens.hs256(SECRET,
        "{\"docs\":[\"*\"],\"nbf\":" + inSeconds(3600) + "}"), now));
    assertThrows(AuthException.class, () -> hs.verify("abc", now));
    assertThrows(AuthException.class, () -> hs.verify("a.b.c", now));
    assertThrows(AuthException.class, () -> hs.verify(null, now));
    String none = TestTokens.b64("{\"alg\":\"none\"}") + "." + TestTokens.b64(claims("[\"*\"]", "rw", 0)) + ".";
    assertThrows(AuthException.class, () -> hs.verify(none, now));
    // tampered claims
    String good = TestTokens.hs256(SECRET, claims("[\"a\"]", "read-only", 0));
    String[] parts = good.split("\\.");
    String tampered = parts[0] + "." + TestTokens.b64(claims("[\"*\"]", "rw", 0)) + "." + parts[2];
    assertThrows(AuthException.class, () -> hs.verify(tampered, now));
  }

  @Test
  void rs256_withPublicKeyFromPem() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair kp = g.generateKeyPair();
    String pem = "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(kp.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    JwtVerifier rs = new JwtVerifier(null, JwtVerifier.parsePublicKey(pem));
    Principal p = rs.verify(TestTokens.rs256(kp.getPrivate(), claims("[\"x\"]", "rw", inSeconds(60))), now);
    assertTrue(p.allows("x"));
    // an HS256 token must not be accepted by an RSA-only verifier (no algorithm confusion)
    assertThrows(AuthException.class, () -> rs.verify(TestTokens.hs256(pem, claims("[\"x\"]", "rw", 0)), now));
  }

  @Test
  void es256_withP256Key() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    String pem = "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(kp.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    JwtVerifier es = new JwtVerifier(null, JwtVerifier.parsePublicKey(pem));
    assertTrue(es.verify(TestTokens.es256(kp.getPrivate(), claims("[\"y\"]", "rw", 0)), now).allows("y"));
    KeyPair other = g.generateKeyPair();
    assertThrows(AuthException.class,
        () -> es.verify(TestTokens.es256(other.getPrivate(), claims("[\"y\"]", "rw", 0)), now));
  }
}
