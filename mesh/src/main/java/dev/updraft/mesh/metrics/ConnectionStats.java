package dev.updraft.mesh.metrics;

/** Transport metrics for one direction and peer side, resolved once per listener. */
public final class ConnectionStats {
  private final Counter opened;
  private final Gauge open;
  private final Counter read;
  private final Counter written;
  private final Counter closedOk;
  private final Counter closedFailed;

  ConnectionStats(ProxyMetrics metrics, String direction, String peer) {
    opened = metrics.tcpOpenTotal.labels(direction, peer);
    open = metrics.tcpOpenConnections.labels(direction, peer);
    read = metrics.tcpReadBytes.labels(direction, peer);
    written = metrics.tcpWriteBytes.labels(direction, peer);
    closedOk = metrics.tcpCloseTotal.labels(direction, peer, "success");
    closedFailed = metrics.tcpCloseTotal.labels(direction, peer, "failure");
  }

  public void onOpen() {
    opened.inc();
    open.inc();
  }

  public void onRead(long bytes) {
    read.add(bytes);
  }

  public void onWrite(long bytes) {
    written.add(bytes);
  }

  public void onClose(boolean failed) {
    open.dec();
    (failed ? closedFailed : closedOk).inc();
  }
}
