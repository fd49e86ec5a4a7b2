package dev.updraft.vmm.mmds;

import dev.updraft.vmm.dumbo.Arp;
import dev.updraft.vmm.dumbo.Ethernet;
import dev.updraft.vmm.dumbo.HttpCodec;
import dev.updraft.vmm.dumbo.Ipv4;
import dev.updraft.vmm.dumbo.TcpHandler;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.virtio.net.FrameInterceptor;
import java.nio.ByteBuffer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The MMDS on one network interface (Firecracker's {@code MmdsNetworkStack}): the guest's ARP
 * requests for the MMDS address and its IPv4 packets to it never reach the TAP; ARP is answered
 * with the MMDS's own MAC, TCP to port 80 reaches an HTTP server over {@link MmdsHttp}, and the
 * answers go to the guest ahead of the TAP's frames.
 *
 * <p>It counts in the {@code mmds} group with Firecracker's names: {@code rx_accepted} (frames
 * taken), {@code rx_bad_eth}, {@code rx_accepted_err} (malformed), {@code rx_accepted_unusual} (not
 * TCP, out of order, refused connections...), {@code rx_count}, {@code tx_count}, {@code
 * tx_frames}, {@code tx_bytes}, {@code tx_errors}, and the TCP listener's connection counters.
 * Whatever a guest sends costs at most a counter: a failure inside the stack is counted too, never
 * thrown into the network device.
 */
public final class MmdsNetworkStack implements FrameInterceptor {
  /** Firecracker's MAC for the MMDS, 06:01:23:45:67:01. */
  public static final long MAC = 0x0601_2345_6701L;

  /** 169.254.169.254. */
  public static final int DEFAULT_ADDRESS = 0xA9FE_A9FE;

  static final int HTTP_PORT = 80;

  /** Every counter the stack and its TCP listener use, so each shows in metrics at zero. */
  @SuppressWarnings("MutablePublicArray") // read by the metrics set-up, never written
  public static final String[] COUNTERS = {
    "rx_accepted",
    "rx_accepted_err",
    "rx_accepted_unusual",
    "rx_bad_eth",
    "rx_invalid_token",
    "rx_no_token",
    "rx_count",
    "tx_bytes",
    "tx_count",
    "tx_errors",
    "tx_frames",
    "connections_created",
    "connections_destroyed"
  };

  private final int address;
  private final Counters counters;
  private final LongSupplier clock;
  private final TcpHandler tcp;
  private static final System.Logger LOG = System.getLogger(MmdsNetworkStack.class.getName());

  private long internalErrors;
  private long remoteMac;
  private boolean arpDue;
  private long arpRequesterMac;
  private int arpRequesterIp;

  /**
   * @param address the MMDS IPv4 address ({@code ipv4_address})
   * @param counters the {@code mmds} group, shared by every interface's stack
   * @param clock the monotonic clock, nanoseconds
   * @param isn initial sequence numbers for TCP connections
   */
  public MmdsNetworkStack(
      int address, Mmds mmds, Counters counters, LongSupplier clock, IntSupplier isn) {
    this.address = address;
    this.counters = counters;
    this.clock = clock;
    for (String name : COUNTERS) {
      counters.counter(name);
    }
    MmdsHttp http = new MmdsHttp(mmds, counters);
    long budget = Math.max(2L << 20, 2 * mmds.limit() + (64 << 10));
    this.tcp =
        new TcpHandler(
            address, HTTP_PORT, HttpCodec.responder(http::respond), budget, counters, isn);
  }

  public int address() {
    return address;
  }

  /** Failures inside the stack itself (a bug, never the guest's doing), counted and logged. */
  public long internalErrors() {
    return internalErrors;
  }

  /** Live TCP connections, for tests. */
  public int connectionCount() {
    return tcp.connectionCount();
  }

  @Override
  public boolean claims(ByteBuffer frame) {
    if (!Ethernet.valid(frame)) {
      return false;
    }
    ByteBuffer payload = Ethernet.payload(frame);
    return switch (Ethernet.type(frame)) {
      case Ethernet.TYPE_ARP -> payload.limit() >= Arp.LENGTH && Arp.targetIp(payload) == address;
      case Ethernet.TYPE_IPV4 ->
          payload.limit() >= Ipv4.MIN_HEADER && Ipv4.destination(payload) == address;
      default -> false;
    };
  }

  @Override
  public void accept(ByteBuffer frame, boolean checksumPartial) {
    counters.increment("rx_accepted");
    try {
      if (!Ethernet.valid(frame)) {
        counters.increment("rx_bad_eth");
        return;
      }
      ByteBuffer payload = Ethernet.payload(frame);
      switch (Ethernet.type(frame)) {
        case Ethernet.TYPE_ARP -> acceptArp(payload);
        case Ethernet.TYPE_IPV4 -> acceptIpv4(frame, payload, checksumPartial);
        default -> counters.increment("rx_accepted_unusual");
      }
    } catch (RuntimeException e) {
      counters.increment("rx_accepted_err");
      internalError(e);
    }
  }

  private void acceptArp(ByteBuffer payload) {
    Arp.Request request = Arp.parseRequest(payload);
    if (request == null || request.targetIp() != address) {
      counters.increment("rx_accepted_err");
      return;
    }
    arpDue = true;
    arpRequesterMac = request.senderMac();
    arpRequesterIp = request.senderIp();
  }

  private void acceptIpv4(ByteBuffer frame, ByteBuffer payload, boolean checksumPartial) {
    Ipv4.Parsed parsed = Ipv4.parse(payload);
    Ipv4.Header header = parsed.header();
    if (header == null || header.destination() != address) {
      counters.increment("rx_accepted_err");
      return;
    }
    if (header.protocol() != Ipv4.PROTOCOL_TCP) {
      counters.increment("rx_accepted_unusual");
      return;
    }
    remoteMac = Ethernet.source(frame);
    ByteBuffer segment = payload.slice(header.headerLength(), header.payloadLength());
    tcp.receive(header, segment, checksumPartial, clock.getAsLong());
    counters.increment("rx_count");
  }

  @Override
  public int nextFrame(ByteBuffer dst) {
    try {
      int length = arpDue ? arpReply(dst) : tcpFrame(dst);
      if (length > 0) {
        counters.increment("tx_count");
        counters.increment("tx_frames");
        counters.add("tx_bytes", length);
      }
      return length;
    } catch (RuntimeException e) {
      counters.increment("tx_errors");
      internalError(e);
      return 0;
    }
  }

  private int arpReply(ByteBuffer dst) {
    arpDue = false;
    Ethernet.writeHeader(dst, arpRequesterMac, MAC, Ethernet.TYPE_ARP);
    ByteBuffer reply = dst.slice(Ethernet.HEADER, Arp.LENGTH);
    return Ethernet.HEADER + Arp.writeReply(reply, MAC, address, arpRequesterMac, arpRequesterIp);
  }

  private int tcpFrame(ByteBuffer dst) {
    int length =
        tcp.next(dst.slice(Ethernet.HEADER, dst.limit() - Ethernet.HEADER), clock.getAsLong());
    if (length == 0) {
      return 0;
    }
    Ethernet.writeHeader(dst, remoteMac, MAC, Ethernet.TYPE_IPV4);
    return Ethernet.HEADER + length;
  }

  private void internalError(RuntimeException e) {
    if (internalErrors++ == 0) {
      LOG.log(System.Logger.Level.WARNING, "mmds: a frame failed inside the network stack", e);
    }
  }

  @Override
  public long nextDeadline() {
    long now = clock.getAsLong();
    return arpDue ? now : tcp.nextDeadline(now);
  }
}
