package dev.updraft.vmm.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updraft.vmm.config.ConfigException;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.mmds.MmdsException;
import dev.updraft.vmm.telemetry.Logger;
import dev.updraft.vmm.telemetry.VmmMetrics;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * One API request from method, path and body to a reply: routes it, parses the body, has the {@link
 * Vmm} handle it and turns every failure into a 400 with a fault message, so that nothing a client
 * sends can end the VMM. Logs and counts each request as Firecracker does.
 */
final class ApiDispatcher implements RequestHandler {
  static final String DESERIALIZE_ERROR =
      "An error occurred when deserializing the json body of a request: ";

  private final Vmm vmm;
  private final VmmMetrics metrics;
  private final Logger logger;

  ApiDispatcher(Vmm vmm) {
    this.vmm = Objects.requireNonNull(vmm, "vmm");
    this.metrics = vmm.metrics();
    this.logger = vmm.logger();
  }

  /** Handles a request on the VMM thread. */
  @Override
  public ApiReply handle(String method, String path, byte[] body) {
    long started = System.nanoTime();
    logger.info("The API server received a " + describe(method, path, body) + ".");
    Route route = null;
    ApiReply reply;
    try {
      route = Router.route(method, path, body.length > 0);
      count(route, "_count");
      reply = execute(route, body);
    } catch (ApiException e) {
      reply = ApiReply.fault(e.getMessage());
    } catch (JsonFieldException e) {
      reply = ApiReply.fault(DESERIALIZE_ERROR + e.getMessage() + ".");
    } catch (ConfigException e) {
      reply = ApiReply.fault(route.resource().errorPrefix() + e.getMessage());
    } catch (MmdsException e) {
      reply =
          switch (e.kind()) {
            case LIMIT_EXCEEDED ->
                ApiReply.fault(
                    ApiReply.PAYLOAD_TOO_LARGE, "MMDS limit exceeded error: " + e.getMessage());
            case NOT_INITIALIZED -> ApiReply.fault("MMDS error: " + e.getMessage());
          };
    } catch (RuntimeException e) {
      logger.error("Unexpected failure handling " + method + " " + path + ": " + e);
      reply = ApiReply.fault("Internal VMM error: " + describe(e));
    }
    if (reply.failed()) {
      if (route != null) {
        count(route, "_fails");
      }
      logger.error(
          "Received Error. Status code: "
              + reply.statusLine()
              + ". Message: "
              + reply.faultMessage());
    } else {
      logger.info(
          "The request was executed successfully. Status code: " + reply.statusLine() + ".");
    }
    logger.debug(
        "Total previous API call duration: " + (System.nanoTime() - started) / 1_000 + " us.");
    return reply;
  }

  private ApiReply execute(Route route, byte[] body) {
    JsonNode document = body.length == 0 ? null : Json.parse(body);
    VmmAction action = route.parse(document);
    String deprecation = deprecation(route, document);
    if (deprecation != null) {
      metrics.deprecatedApi().increment("deprecated_http_api_calls");
      logger.warn(deprecation);
    }
    return ApiReply.of(vmm.handle(action), deprecation != null);
  }

  /** Firecracker's warning for a request that uses a deprecated part of the API, or null. */
  private static String deprecation(Route route, JsonNode document) {
    if (document == null || !document.isObject()) {
      return null;
    }
    JsonFields fields = JsonFields.of(document, "");
    return switch (route.resource()) {
      case MACHINE_CONFIG ->
          fields.has("cpu_template")
              ? route.method() + " /machine-config: cpu_template field is deprecated."
              : null;
      case VSOCK -> fields.has("vsock_id") ? "PUT /vsock: vsock_id field is deprecated." : null;
      case MMDS_CONFIG ->
          "V2".equals(document.path("version").asText("V1"))
              ? null
              : "PUT /mmds/config: V1 is deprecated. Use V2 instead.";
      case SNAPSHOT_LOAD ->
          fields.has("mem_file_path") || fields.has("enable_diff_snapshots")
              ? "PUT /snapshot/load: mem_file_path and enable_diff_snapshots fields are deprecated."
              : null;
      default -> null;
    };
  }

  /** Bumps {@code <resource><suffix>} in the method's group, if Firecracker counts it. */
  private void count(Route route, String suffix) {
    String metric = route.resource().metric();
    if (metric == null) {
      return;
    }
    Counters group =
        switch (route.method()) {
          case "GET" -> suffix.equals("_count") ? metrics.getRequests() : null;
          case "PUT" -> metrics.putRequests();
          case "PATCH" -> metrics.patchRequests();
          default -> null;
        };
    if (group != null) {
      group.increment(metric + suffix);
    }
  }

  /**
   * Firecracker's request description: {@code Put request on "/actions" with body "..."}. The
   * metadata's body is never logged: it may hold the guest's secrets.
   */
  private static String describe(String method, String path, byte[] body) {
    String verb =
        method.isEmpty() ? method : method.charAt(0) + method.substring(1).toLowerCase(Locale.ROOT);
    String text = verb + " request on " + Json.quote(path);
    if (body.length == 0 || path.equals("/mmds")) {
      return text;
    }
    return text + " with body " + Json.quote(new String(body, StandardCharsets.UTF_8));
  }

  private static String describe(RuntimeException e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
