package io.ysync.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * The files of the demo page, read once from the classpath into memory.
 *
 * <p>{@code web/build.mjs} writes the page and a {@code files.json} manifest ({@code {"files": [...]}}) that the
 * Maven build packages under {@value #DEFAULT_ROOT}. Only the files the manifest names are loaded, each name checked
 * against a strict pattern, so a request can reach nothing else: lookups are exact map hits, never file system paths.
 * {@code index.html} gets the server's room path prefix filled in. Text files also keep a gzip copy. When the
 * manifest is absent (the jar was built without Node.js / node_modules) the page is "not built" and every lookup
 * misses. Immutable and thread-safe.
 */
final class DemoPageAssets {
  /** Classpath folder of the page in ysync.jar. */
  static final String DEFAULT_ROOT = "web/";
  /** The manifest written by {@code web/build.mjs}. */
  static final String MANIFEST = "files.json";
  /** The page; {@code /} serves it. */
  static final String INDEX = "index.html";
  /** Placeholder in {@code index.html} for the room path prefix. */
  static final String PATH_PREFIX_PLACEHOLDER = "{{pathPrefix}}";

  /** Manifest names: relative, slash-separated, no {@code ..}, no hidden files. */
  private static final Pattern SAFE_NAME =
      Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*");
  /** esbuild's {@code [name]-[hash]} file names: their content never changes. */
  private static final Pattern HASHED_NAME = Pattern.compile("assets/[^/]+-[A-Z0-9]{8}\\.[a-z0-9]+");
  private static final int GZIP_MIN_BYTES = 1024;
  private static final Map<String, String> CONTENT_TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "json", "application/json",
      "map", "application/json",
      "txt", "text/plain; charset=utf-8",
      "svg", "image/svg+xml",
      "png", "image/png",
      "ico", "image/x-icon",
      "woff2", "font/woff2");

  /**
   * One servable file.
   *
   * @param body the bytes
   * @param gzipped a gzip copy of {@code body}, or {@code null} when not worth it
   * @param contentType the {@code Content-Type}
   * @param etag a strong entity tag (quoted) derived from the content
   * @param cacheControl the {@code Cache-Control} value
   */
  record Asset(byte[] body, byte[] gzipped, String contentType, String etag, String cacheControl) {}

  private final Map<String, Asset> files;

  private DemoPageAssets(Map<String, Asset> files) {
    this.files = Map.copyOf(files);
  }

  /** No page (not built). */
  static DemoPageAssets none() {
    return new DemoPageAssets(Map.of());
  }

  /**
   * Loads the page from the classpath.
   *
   * @param loader the class loader to read from
   * @param root the classpath folder, ending in {@code /} (normally {@value #DEFAULT_ROOT})
   * @param pathPrefix the server's room path prefix, filled into {@code index.html}
   * @return the files; empty (not built) when the manifest is missing
   * @throws IllegalStateException if the manifest is malformed or names a missing or unsafe file
   */
  static DemoPageAssets load(ClassLoader loader, String root, String pathPrefix) {
    Objects.requireNonNull(pathPrefix, "pathPrefix");
    byte[] manifest = read(loader, root + MANIFEST);
    if (manifest == null) {
      return none();
    }
    JsonNode names;
    try {
      names = new ObjectMapper().readTree(manifest).path("files");
    } catch (IOException e) {
      throw new IllegalStateException("demo page manifest " + root + MANIFEST + " is not JSON: " + e.getMessage(), e);
    }
    if (!names.isArray()) {
      throw new IllegalStateException("demo page manifest " + root + MANIFEST + " lacks a \"files\" array");
    }
    Map<String, Asset> files = new HashMap<>();
    for (JsonNode node : names) {
      String name = node.asText("");
      if (!SAFE_NAME.matcher(name).matches() || name.contains("..")) {
        throw new IllegalStateException("demo page manifest names an unsafe file: \"" + name + "\"");
      }
      byte[] body = read(loader, root + name);
      if (body == null) {
        throw new IllegalStateException("demo page file " + root + name + " is listed but missing");
      }
      if (name.equals(INDEX)) {
        body = new String(body, StandardCharsets.UTF_8)
            .replace(PATH_PREFIX_PLACEHOLDER, escapeHtmlAttribute(pathPrefix)).getBytes(StandardCharsets.UTF_8);
      }
      files.put(name, asset(name, body));
    }
    if (!files.containsKey(INDEX)) {
      throw new IllegalStateException("demo page manifest " + root + MANIFEST + " lacks " + INDEX);
    }
    return new DemoPageAssets(files);
  }

  /** Whether the page is in the jar. */
  boolean built() {
    return !files.isEmpty();
  }

  /**
   * The file a request path names: {@code /} and {@code /index.html} the page, {@code /<name>} a listed file.
   *
   * @return the file, or {@code null}
   */
  Asset find(String path) {
    if (path.equals("/")) {
      return files.get(INDEX);
    }
    return path.startsWith("/") ? files.get(path.substring(1)) : null;
  }

  private static Asset asset(String name, byte[] body) {
    String type = contentType(name);
    boolean text = type.startsWith("text/") || type.startsWith("application/json") || type.startsWith("image/svg");
    byte[] gzipped = text && body.length >= GZIP_MIN_BYTES ? gzip(body) : null;
    String cache = name.equals(INDEX) ? "no-cache"
        : HASHED_NAME.matcher(name).matches() ? "public, max-age=31536000, immutable" : "public, max-age=300";
    return new Asset(body, gzipped, type, etag(body), cache);
  }

  static String contentType(String name) {
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return CONTENT_TYPES.getOrDefault(ext, "application/octet-stream");
  }

  private static String etag(byte[] body) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
      return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 3);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] zipped = out.toByteArray();
    return zipped.length < body.length ? zipped : null;
  }

  private static byte[] read(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read demo page resource " + resource, e);
    }
  }

  private static String escapeHtmlAttribute(String s) {
    return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
