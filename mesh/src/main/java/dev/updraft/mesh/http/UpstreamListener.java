package dev.updraft.mesh.http;

/** Receives an upstream's events; implementations hop to their own event loop if needed. */
public interface UpstreamListener {
  void upstreamRead(Upstream source, Object msg);

  void upstreamClosed(Upstream source);

  void upstreamFailed(Upstream source, Throwable cause);

  void upstreamWritable(Upstream source);
}
