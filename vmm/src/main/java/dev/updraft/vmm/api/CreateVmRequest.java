package dev.updraft.vmm.api;

import dev.updraft.vmm.config.ConfigException;
import dev.updraft.vmm.config.ResourceId;
import java.nio.file.Path;

/**
 * The body of {@code POST /vms} on the management API of {@code updraft vm serve}: {@code {"id":
 * "vm1", "serial_out_path": "/tmp/vm1.console"}}. The id names the VM and its socket ({@code
 * <socket-dir>/<id>.sock}); the console goes to the serve process's stdout unless a path is given.
 *
 * @param id letters, digits and underscores, at most 64 characters
 * @param serialOutPath where the guest's serial output is appended, or null for stdout
 */
record CreateVmRequest(String id, Path serialOutPath) {
  CreateVmRequest {
    ResourceId.check("id", id);
    if (serialOutPath != null && !serialOutPath.isAbsolute()) {
      throw ConfigException.of(
          "serial_out_path", '"' + serialOutPath.toString() + '"', "an absolute path");
    }
  }

  /**
   * Parses a request body.
   *
   * @throws JsonFieldException if it is not a JSON object of these fields with these types
   * @throws ConfigException if a value is out of range
   */
  static CreateVmRequest parse(byte[] body) {
    JsonFields fields =
        JsonFields.of(Json.parse(body), "")
            .only("id", "serial_out_path")
            .nullable("serial_out_path");
    return new CreateVmRequest(fields.requiredString("id"), fields.path("serial_out_path"));
  }
}
