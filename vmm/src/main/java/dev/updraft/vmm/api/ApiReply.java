package dev.updraft.vmm.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updraft.sys.Printable;

/**
 * An API response before HTTP framing: a status, a JSON body (null for 204), whether the request
 * used a deprecated field (Firecracker then adds a {@code Deprecation} header), and for a failure
 * the fault message the body carries.
 */
record ApiReply(int status, String body, boolean deprecated, String faultMessage) {
  static final int NO_CONTENT = 204;
  static final int OK = 200;
  static final int BAD_REQUEST = 400;
  static final int PAYLOAD_TOO_LARGE = 413;

  static ApiReply of(VmmData data, boolean deprecated) {
    JsonNode json =
        switch (data) {
          case VmmData.Empty e -> null;
          case VmmData.MachineConfiguration m -> ConfigJsonWriter.machineConfig(m.config());
          case VmmData.InstanceInformation info -> {
            ObjectNode node = Json.object();
            node.put("id", info.id());
            node.put("state", info.state().wireName());
            node.put("vmm_version", info.vmmVersion());
            node.put("app_name", info.appName());
            yield node;
          }
          case VmmData.VmmVersion v -> Json.object().put("firecracker_version", v.version());
          case VmmData.FullVmConfig full -> ConfigJsonWriter.fullConfig(full);
          case VmmData.BalloonConfiguration b -> ConfigJsonWriter.balloon(b.config());
          case VmmData.BalloonStatistics b -> BalloonJson.writeStats(b.stats());
          case VmmData.BalloonHintingStatus h -> BalloonJson.writeHintingStatus(h.status());
          case VmmData.MemoryHotplugStatus m -> MemoryHotplugJson.writeStatus(m.status());
          // Firecracker answers {} for a store nobody has written yet.
          case VmmData.MmdsValue mmds -> mmds.document().isNull() ? Json.object() : mmds.document();
        };
    return json == null
        ? new ApiReply(NO_CONTENT, null, deprecated, null)
        : new ApiReply(OK, Json.write(json), deprecated, null);
  }

  /** 400 with {@code {"fault_message": message}}. */
  static ApiReply fault(String message) {
    return fault(BAD_REQUEST, message);
  }

  /**
   * {@code status} with {@code {"fault_message": message}}. Messages quote what the client sent
   * (paths, field names, values) and go into the log as well, so control characters are escaped.
   */
  static ApiReply fault(int status, String message) {
    String printable = Printable.escape(message);
    String body = Json.write(Json.object().put("fault_message", printable));
    return new ApiReply(status, body, false, printable);
  }

  boolean failed() {
    return status >= BAD_REQUEST;
  }

  /** Firecracker's log wording: {@code 204 No Content}. */
  String statusLine() {
    return switch (status) {
      case NO_CONTENT -> "204 No Content";
      case OK -> "200 OK";
      case BAD_REQUEST -> "400 Bad Request";
      case PAYLOAD_TOO_LARGE -> "413 Payload Too Large";
      default -> Integer.toString(status);
    };
  }
}
