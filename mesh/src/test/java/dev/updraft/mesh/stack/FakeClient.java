package dev.updraft.mesh.stack;

import dev.updraft.mesh.http.UpstreamClient;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** An endpoint's client that records acquisitions; the test answers them. */
final class FakeClient implements UpstreamClient {
  /** One acquisition: which protocol was asked for, and where to answer. */
  record Acquisition(boolean http2, Callback callback) {}

  private final InetSocketAddress address;
  final List<Acquisition> acquisitions = new ArrayList<>();
  boolean closed;

  FakeClient(InetSocketAddress address) {
    this.address = address;
  }

  @Override
  public void acquire(EventLoop loop, boolean http2, Callback callback) {
    acquisitions.add(new Acquisition(http2, callback));
  }

  @Override
  public void close() {
    closed = true;
  }

  Acquisition last() {
    return acquisitions.getLast();
  }

  @Override
  public String toString() {
    return "FakeClient[" + address + "]";
  }
}
