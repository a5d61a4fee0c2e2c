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

  private Principal verifyClaims(String claimsJson) throws Exception {
    return hs.verify(TestTokens.hs256(SECRET, claimsJson), now);
  }

  private AuthException.Reason refusal(String claimsJson) {
    return assertThrows(AuthException.class, () -> verifyClaims(claimsJson)).reason();
  }

  @Test
  void numericDates_mustBeNumbers() {
    assertEquals(AuthException.Reason.BAD_CLAIM, refusal("{\"docs\":[\"*\"],\"exp\":\"abc\"}"));
    assertEquals(AuthException.Reason.BAD_CLAIM, refusal("{\"docs\":[\"*\"],\"nbf\":\"abc\"}"));
    assertEquals(AuthException.Reason.BAD_CLAIM, refusal("{\"docs\":[\"*\"],\"iat\":\"abc\"}"));
    assertEquals(AuthException.Reason.BAD_CLAIM, refusal("{\"docs\":[\"*\"],\"exp\":null}"));
    assertEquals(AuthException.Reason.BAD_CLAIM, refusal("{\"docs\":[\"*\"],\"nbf\":true}"));
    assertEquals(AuthException.Reason.BAD_CLAIM, refusal("{\"docs\":[\"*\"],\"exp\":[1]}"));
  }

  @Test
  void hugeExp_isClampedWithoutOverflow_andNeverExpiresBeforeTheYear10000() throws Exception {
    for (String exp : new String[] {"9223372036854776", "9223372036854775807", "1e300",
        "123456789012345678901234567890", "9223372036854776.5"}) {
      Principal p = verifyClaims("{\"docs\":[\"*\"],\"exp\":" + exp + "}");
      assertEquals(JwtVerifier.MAX_NUMERIC_DATE * 1000, p.expiresAtMillis(), exp);
    }
  }

  @Test
  void hugeOrNegativeDates_areRefusedWhereTheyMustBe() {
    assertEquals(AuthException.Reason.NOT_YET_VALID, refusal("{\"docs\":[\"*\"],\"nbf\":9223372036854776}"));
    assertEquals(AuthException.Reason.NOT_YET_VALID, refusal("{\"docs\":[\"*\"],\"nbf\":1e300}"));
    assertEquals(AuthException.Reason.EXPIRED, refusal("{\"docs\":[\"*\"],\"exp\":-9223372036854775808}"));
    assertEquals(AuthException.Reason.EXPIRED, refusal("{\"docs\":[\"*\"],\"exp\":-1e300}"));
  }

  @Test
  void fractionalDates_countAsTheSecondTheyFallIn() throws Exception {
    long exp = inSeconds(600);
    assertEquals(exp * 1000, verifyClaims("{\"docs\":[\"*\"],\"exp\":" + exp + ".75,\"iat\":1.5}")
        .expiresAtMillis());
    assertEquals(AuthException.Reason.NOT_YET_VALID,
        refusal("{\"docs\":[\"*\"],\"nbf\":" + inSeconds(3600) + ".5}"));
  }

  @Test
  void refusalMessages_areFixedText_withoutTokenContent() throws Exception {
    String claims = TestTokens.b64(claims("[\"*\"]", "rw", 0));
    String forgedAlg = TestTokens.b64("{\"alg\":\"HS256\\nevent=forged level=ERROR\"}") + "." + claims + ".c2ln";
    AuthException e = assertThrows(AuthException.class, () -> hs.verify(forgedAlg, now));
    assertEquals(AuthException.Reason.ALGORITHM_NOT_ACCEPTED, e.reason());
    assertEquals("token algorithm not accepted", e.getMessage());
    String numericAlg = TestTokens.b64("{\"alg\":256}") + "." + claims + ".c2ln";
    assertEquals(AuthException.Reason.MALFORMED, assertThrows(AuthException.class,
        () -> hs.verify(numericAlg, now)).reason());
    for (AuthException.Reason r : AuthException.Reason.values()) {
      assertTrue(r.text().matches("[a-z ]+"), r.text());
    }
  }
}
