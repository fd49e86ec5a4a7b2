package dev.updraft.mesh.http;

import java.io.Serial;

/**
 * Why a call was cancelled when the client, not the proxy or an endpoint, ended it: the client went
 * away or its request body broke off. Endpoints are not blamed for it.
 */
public final class CancelledByClient extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public CancelledByClient(String message) {
    super(message, null, false, false);
  }
}
