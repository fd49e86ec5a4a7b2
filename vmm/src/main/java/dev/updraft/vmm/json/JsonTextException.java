package dev.updraft.vmm.json;

import java.io.Serial;

/** Text that is not one well-formed JSON document; the message says where it goes wrong. */
public final class JsonTextException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public JsonTextException(String message) {
    super(message);
  }
}
