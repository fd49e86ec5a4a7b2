package dev.updraft.vmm.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updraft.vmm.config.ConfigException;
import java.util.Objects;

/**
 * The management API of {@code updraft vm serve} (docs/vmm/serve.md): {@code POST /vms} creates a
 * VM and its Firecracker API socket, {@code GET /vms} and {@code GET /vms/<id>} describe them,
 * {@code DELETE /vms/<id>} stops one and removes its socket. Faults are Firecracker's shape, {@code
 * {"fault_message": "..."}}, naming the field, the value and what was expected.
 */
final class ManagementApi implements RequestHandler {
  static final int CREATED = 201;
  static final int NOT_FOUND = 404;
  private static final String PREFIX = "/vms";
  private static final String ROUTES = "GET /vms, POST /vms, GET /vms/<id> or DELETE /vms/<id>";

  private final VmHost host;

  ManagementApi(VmHost host) {
    this.host = Objects.requireNonNull(host, "host");
  }

  @Override
  public ApiReply handle(String method, String uri, byte[] body) {
    try {
      return route(method, uri.split("\\?", 2)[0], body);
    } catch (JsonFieldException e) {
      return ApiReply.fault(ApiDispatcher.DESERIALIZE_ERROR + e.getMessage() + ".");
    } catch (ConfigException | ApiServerException e) {
      return ApiReply.fault(e.getMessage());
    } catch (RuntimeException e) {
      // Nothing a client sends may end the serve process.
      return ApiReply.fault("Internal error: " + e);
    }
  }

  private ApiReply route(String method, String path, byte[] body) {
    if (path.equals(PREFIX) || path.equals(PREFIX + "/")) {
      return switch (method) {
        case "GET" -> json(ApiReply.OK, list());
        case "POST" -> {
          ServedVm vm = host.create(CreateVmRequest.parse(body));
          yield json(CREATED, describe(vm));
        }
        default -> invalid(method, path);
      };
    }
    if (!path.startsWith(PREFIX + "/")) {
      return invalid(method, path);
    }
    String id = path.substring(PREFIX.length() + 1);
    return switch (method) {
      case "GET" ->
          host.get(id).map(vm -> json(ApiReply.OK, describe(vm))).orElseGet(() -> unknown(id));
      case "DELETE" ->
          host.delete(id) ? new ApiReply(ApiReply.NO_CONTENT, null, false, null) : unknown(id);
      default -> invalid(method, path);
    };
  }

  private ObjectNode list() {
    ObjectNode root = Json.object();
    ArrayNode vms = root.putArray("vms");
    for (ServedVm vm : host.list()) {
      vms.add(describe(vm));
    }
    return root;
  }

  private static ObjectNode describe(ServedVm vm) {
    ObjectNode node = Json.object().put("id", vm.id()).put("api_sock", vm.socket().toString());
    String reason = vm.endReason();
    node.put("state", reason == null ? "Serving" : "Ended");
    if (reason != null) {
      node.put("end_reason", reason);
    }
    return node;
  }

  private static ApiReply json(int status, ObjectNode node) {
    return new ApiReply(status, Json.write(node), false, null);
  }

  private static ApiReply unknown(String id) {
    return ApiReply.fault(
        NOT_FOUND, "id: " + Json.quote(id) + " (expected: the id of a VM of this process)");
  }

  private static ApiReply invalid(String method, String path) {
    return ApiReply.fault(
        "Invalid request method and/or path: "
            + method
            + " "
            + path
            + " (expected: "
            + ROUTES
            + ")");
  }
}
