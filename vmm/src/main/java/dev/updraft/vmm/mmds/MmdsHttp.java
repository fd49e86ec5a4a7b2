package dev.updraft.vmm.mmds;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.updraft.vmm.dumbo.HttpCodec;
import dev.updraft.vmm.json.JsonText;
import dev.updraft.vmm.metrics.Counters;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * What the guest's HTTP requests to the MMDS address get, Firecracker's rules: {@code GET <json
 * pointer>} returns that part of the document, as JSON with {@code Accept: application/json} and in
 * EC2's IMDS text format otherwise (always, with {@code imds_compat}); under V2 a GET needs a
 * session token from {@code PUT /latest/api/token}, under V1 a missing or invalid token is only
 * counted. Errors are text/plain with Firecracker's messages.
 */
public final class MmdsHttp {
  static final String TOKEN_PATH = "/latest/api/token";
  static final String TOKEN = "X-metadata-token";
  static final String AWS_TOKEN = "X-aws-ec2-metadata-token";
  static final String TTL = "X-metadata-token-ttl-seconds";
  static final String AWS_TTL = "X-aws-ec2-metadata-token-ttl-seconds";
  static final String FORWARDED_FOR = "X-Forwarded-For";

  private final Mmds mmds;
  private final Counters counters;

  public MmdsHttp(Mmds mmds, Counters counters) {
    this.mmds = mmds;
    this.counters = counters;
  }

  /** The response to {@code request}. */
  public FullHttpResponse respond(HttpRequest request) {
    HttpVersion version = request.protocolVersion();
    String path = path(request.uri());
    if (path == null) {
      return HttpCodec.plain(version, HttpResponseStatus.BAD_REQUEST, "Invalid URI.");
    }
    HttpMethod method = request.method();
    if (method.equals(HttpMethod.GET)) {
      return get(request, version, path);
    }
    if (method.equals(HttpMethod.PUT)) {
      return put(request, version, path);
    }
    FullHttpResponse refused =
        HttpCodec.plain(version, HttpResponseStatus.METHOD_NOT_ALLOWED, "Not allowed HTTP method.");
    refused.headers().set(HttpHeaderNames.ALLOW, "GET, PUT");
    return refused;
  }

  private FullHttpResponse get(HttpRequest request, HttpVersion version, String path) {
    String token = header(request.headers(), TOKEN, AWS_TOKEN);
    boolean valid = token != null && mmds.validToken(token);
    if (token == null) {
      counters.increment("rx_no_token");
    } else if (!valid) {
      counters.increment("rx_invalid_token");
    }
    if (mmds.version() == MmdsVersion.V2 && !valid) {
      return HttpCodec.plain(
          version,
          HttpResponseStatus.UNAUTHORIZED,
          token == null
              ? "No MMDS token provided. Use `X-metadata-token` or `X-aws-ec2-metadata-token`"
                  + " header to specify the session token."
              : "MMDS token not valid.");
    }
    JsonNode value = lookup(mmds.data(), path);
    if (value == null) {
      return notFound(version, path);
    }
    boolean json = !mmds.imdsCompat() && acceptsJson(request.headers());
    if (json) {
      return HttpCodec.response(
          version, HttpResponseStatus.OK, "application/json", JsonText.write(value));
    }
    String imds = imds(value);
    if (imds == null) {
      return HttpCodec.plain(
          version,
          HttpResponseStatus.NOT_IMPLEMENTED,
          "Cannot retrieve value. The value has an unsupported type.");
    }
    return HttpCodec.plain(version, HttpResponseStatus.OK, imds);
  }

  private FullHttpResponse put(HttpRequest request, HttpVersion version, String path) {
    HttpHeaders headers = request.headers();
    if (headers.contains(FORWARDED_FOR)) {
      return HttpCodec.plain(
          version,
          HttpResponseStatus.BAD_REQUEST,
          "Invalid header. Reason: Unsupported header name. Key: " + FORWARDED_FOR);
    }
    if (!path.equals(TOKEN_PATH)) {
      return notFound(version, path);
    }
    String name = headers.contains(TTL) ? TTL : headers.contains(AWS_TTL) ? AWS_TTL : null;
    if (name == null) {
      return HttpCodec.plain(
          version,
          HttpResponseStatus.BAD_REQUEST,
          "Token time to live value not found. Use `X-metadata-token-ttl-seconds` or"
              + " `X-aws-ec2-metadata-token-ttl-seconds` header to specify the token's lifetime.");
    }
    String text = headers.get(name).trim();
    long ttl;
    try {
      ttl = Integer.toUnsignedLong(Integer.parseUnsignedInt(text));
    } catch (NumberFormatException e) {
      return HttpCodec.plain(
          version,
          HttpResponseStatus.BAD_REQUEST,
          "Invalid header. Reason: Invalid value. Key:" + name + "; Value:" + text);
    }
    if (ttl < TokenAuthority.MIN_TTL_SECONDS || ttl > TokenAuthority.MAX_TTL_SECONDS) {
      return HttpCodec.plain(
          version,
          HttpResponseStatus.BAD_REQUEST,
          "Invalid time to live value provided for token: "
              + ttl
              + ". Please provide a value between "
              + TokenAuthority.MIN_TTL_SECONDS
              + " and "
              + TokenAuthority.MAX_TTL_SECONDS
              + ".");
    }
    FullHttpResponse response =
        HttpCodec.plain(version, HttpResponseStatus.OK, mmds.issueToken(ttl));
    response.headers().set(name, Long.toString(ttl));
    return response;
  }

  private static FullHttpResponse notFound(HttpVersion version, String path) {
    return HttpCodec.plain(
        version, HttpResponseStatus.NOT_FOUND, "Resource not found: " + path + ".");
  }

  /**
   * The path of a request target (origin form, or absolute form as a proxy would send it), with
   * runs of slashes made one, as a JSON pointer wants them; null if there is none.
   */
  static String path(String uri) {
    String raw = uri;
    if (!raw.startsWith("/")) {
      try {
        raw = new URI(uri).getRawPath();
      } catch (URISyntaxException e) {
        return null;
      }
      if (raw == null) {
        return null;
      }
    }
    int query = raw.indexOf('?');
    if (query >= 0) {
      raw = raw.substring(0, query);
    }
    if (raw.isEmpty()) {
      return null;
    }
    return raw.replaceAll("/{2,}", "/");
  }

  /** The value at {@code path} read as a JSON pointer (a trailing slash ignored), or null. */
  static JsonNode lookup(JsonNode document, String path) {
    String pointer = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    JsonNode value;
    try {
      value = document.at(JsonPointer.compile(pointer));
    } catch (IllegalArgumentException e) {
      return null;
    }
    return value.isMissingNode() ? null : value;
  }

  /**
   * EC2's IMDS format: an object lists its keys, one a line, objects with a trailing slash; a
   * string is itself; anything else has no IMDS form (null).
   */
  static String imds(JsonNode value) {
    if (value.isTextual()) {
      return value.textValue();
    }
    if (!value.isObject()) {
      return null;
    }
    StringBuilder keys = new StringBuilder();
    for (Iterator<Map.Entry<String, JsonNode>> it = value.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> member = it.next();
      keys.append(member.getKey());
      if (member.getValue().isObject()) {
        keys.append('/');
      }
      if (it.hasNext()) {
        keys.append('\n');
      }
    }
    return keys.toString();
  }

  /** Whether the first media type of the Accept header is application/json. */
  static boolean acceptsJson(HttpHeaders headers) {
    String accept = headers.get(HttpHeaderNames.ACCEPT);
    if (accept == null) {
      return false;
    }
    String first = accept.split(",", 2)[0].split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return first.equals("application/json");
  }

  private static String header(HttpHeaders headers, String name, String alternative) {
    String value = headers.get(name);
    return value != null ? value.trim() : trimmed(headers.get(alternative));
  }

  private static String trimmed(String value) {
    return value == null ? null : value.trim();
  }
}
