package dev.updraft.vmm.api;

/**
 * What an {@link ApiServer} asks for each complete request: a VM's Firecracker API ({@link
 * ApiDispatcher}) or the management API of {@code updraft vm serve} ({@link ManagementApi}).
 * Implementations never throw: every failure becomes a fault reply.
 */
interface RequestHandler {
  ApiReply handle(String method, String path, byte[] body);
}
