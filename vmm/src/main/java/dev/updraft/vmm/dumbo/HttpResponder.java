package dev.updraft.vmm.dumbo;

/** The server behind an {@link HttpEndpoint}: one request head in, one encoded response out. */
@FunctionalInterface
public interface HttpResponder {
  /**
   * A response on the wire.
   *
   * @param bytes status line, headers and body
   * @param close whether the connection ends after it
   */
  record Reply(byte[] bytes, boolean close) {}

  /** Answers the request whose head (request line, headers, blank line) is {@code head}. */
  Reply respond(byte[] head);
}
