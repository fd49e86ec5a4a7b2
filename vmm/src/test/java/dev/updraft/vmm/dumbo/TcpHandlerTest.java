package dev.updraft.vmm.dumbo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.vmm.dumbo.TcpPeer.Segment;
import dev.updraft.vmm.metrics.Counters;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The TCP endpoint and listener, segment by segment, including what a hostile guest sends. */
class TcpHandlerTest {
  private static final int ISN = 0x7000_0000;
  private final Counters counters = new Counters("mmds");
  private String body = "hello";
  private long budget = 1 << 20;
  private TcpHandler handler;

  private TcpHandler handler() {
    if (handler == null) {
      HttpResponder responder =
          HttpCodec.responder(
              request ->
                  HttpCodec.plain(
                      HttpVersion.HTTP_1_1, HttpResponseStatus.OK, request.uri() + " " + body));
      handler = new TcpHandler(TcpPeer.SERVER, 80, responder, budget, counters, () -> ISN);
    }
    return handler;
  }

  private TcpPeer peer(int port) {
    return new TcpPeer(handler(), port);
  }

  private long counter(String name) {
    return counters.snapshot().getOrDefault(name, 0L);
  }

  private static byte[] get(String path, String... headers) {
    StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: mmds\r\n");
    for (String header : headers) {
      request.append(header).append("\r\n");
    }
    return request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static String text(List<Segment> segments) {
    StringBuilder all = new StringBuilder();
    segments.forEach(s -> all.append(s.text()));
    return all.toString();
  }

  @Test
  void aClientConnectsAsksAndClosesCleanly() {
    TcpPeer client = peer(40000);
    Segment synAck = client.connect();
    assertThat(synAck.header().sequence()).isEqualTo(ISN);
    assertThat(synAck.header().acknowledgement()).isEqualTo(5001);
    assertThat(synAck.header().mss()).isEqualTo(1460);
    assertThat(synAck.header().window()).isEqualTo(HttpEndpoint.RECEIVE_BUFFER);

    client.send(Tcp.ACK | Tcp.PSH, get("/latest"));
    List<Segment> response = client.received();
    assertThat(text(response)).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\n/latest hello");
    assertThat(response.getLast().header().acknowledgement()).isEqualTo(client.seq);
    client.acknowledge(response);

    client.send(Tcp.FIN | Tcp.ACK);
    List<Segment> fin = client.received();
    assertThat(fin).singleElement().satisfies(s -> assertThat(s.has(Tcp.FIN)).isTrue());
    client.acknowledge(fin);
    assertThat(handler.connectionCount()).as("both FINs acknowledged").isZero();
    assertThat(counter("connections_created")).isEqualTo(1);
    assertThat(counter("connections_destroyed")).isEqualTo(1);
    assertThat(client.received()).as("no gratuitous RST").isEmpty();
  }

  @Test
  void connectionCloseEndsTheConnectionAfterTheResponse() {
    TcpPeer client = peer(40001);
    client.connect();
    client.send(Tcp.ACK, get("/", "Connection: close"));
    List<Segment> response = client.received();
    assertThat(response.getLast().has(Tcp.FIN)).isTrue();
    assertThat(text(response)).contains("/ hello");
  }

  @Test
  void pipelinedRequestsAreAnsweredOneAfterTheOther() {
    TcpPeer client = peer(40002);
    client.connect();
    byte[] one = get("/one");
    byte[] two = get("/two");
    byte[] both = new byte[one.length + two.length];
    System.arraycopy(one, 0, both, 0, one.length);
    System.arraycopy(two, 0, both, one.length, two.length);
    client.send(Tcp.ACK, both);
    List<Segment> first = client.received();
    assertThat(text(first)).contains("/one hello").doesNotContain("/two");
    client.acknowledge(first);
    assertThat(text(client.received())).contains("/two hello");
  }

  @Test
  void aResponseFollowsTheMssAndThePeersWindow() {
    body = "x".repeat(5000);
    TcpPeer client = peer(40003);
    client.window = 2000;
    client.connect();
    client.send(Tcp.ACK, get("/big"));
    List<Segment> burst = client.received();
    assertThat(burst).allSatisfy(s -> assertThat(s.payload().length).isLessThanOrEqualTo(1460));
    assertThat(burst.stream().mapToInt(s -> s.payload().length).sum()).isEqualTo(2000);
    client.window = 0;
    client.acknowledge(burst);
    assertThat(client.received()).as("a zero window holds the rest").isEmpty();
    client.window = 65535;
    client.send(Tcp.ACK);
    List<Segment> rest = client.received();
    assertThat(text(burst) + text(rest)).endsWith("x".repeat(5000));
  }

  @Test
  void outOfOrderDataIsDroppedAndAnsweredWithADuplicateAck() {
    TcpPeer client = peer(40004);
    client.connect();
    client.sendRaw(Tcp.ACK, client.seq + 10, client.ack, 65535, get("/"), 0, false);
    List<Segment> dup = client.received();
    assertThat(dup)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.payload()).isEmpty();
              assertThat(s.header().acknowledgement()).isEqualTo(client.seq);
            });
    assertThat(counter("rx_accepted_unusual")).isEqualTo(1);
  }

  @Test
  void aDuplicateAckCostsOneRetransmission() {
    body = "y".repeat(3000);
    TcpPeer client = peer(40005);
    client.connect();
    client.send(Tcp.ACK, get("/"));
    List<Segment> sent = client.received();
    int firstSeq = sent.getFirst().header().sequence();
    for (int i = 0; i < 3; i++) {
      client.send(Tcp.ACK); // acknowledges nothing new
      List<Segment> again = client.received();
      assertThat(again)
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.header().sequence()).isEqualTo(firstSeq);
                assertThat(s.payload()).hasSize(1460);
              });
    }
  }

  @Test
  void aSilentPeerGetsRetransmissionsThenAnRst() {
    TcpPeer client = peer(40006);
    client.connect();
    client.send(Tcp.ACK, get("/"));
    int seq = client.received().getFirst().header().sequence();
    for (int i = 1; i < TcpHandler.RTO_MAX; i++) {
      client.now += TcpHandler.RTO_NANOS;
      assertThat(client.received())
          .as("retransmission %d", i)
          .singleElement()
          .satisfies(s -> assertThat(s.header().sequence()).isEqualTo(seq));
    }
    assertThat(handler.nextDeadline(client.now)).isEqualTo(client.now + TcpHandler.RTO_NANOS);
    client.now += TcpHandler.RTO_NANOS;
    assertThat(client.received())
        .singleElement()
        .satisfies(s -> assertThat(s.has(Tcp.RST)).isTrue());
    assertThat(handler.connectionCount()).isZero();
    assertThat(handler.heldResponseBytes()).as("the response freed").isZero();
  }

  @Test
  void segmentsForNoConnectionAreResetAndRstsAreNot() {
    TcpPeer stray = peer(40007);
    stray.sendRaw(Tcp.ACK, 77, 1234, 1000, new byte[0], 0, false);
    stray.sendRaw(Tcp.PSH, 77, 0, 1000, "data".getBytes(), 0, false);
    stray.sendRaw(Tcp.RST, 77, 0, 1000, new byte[0], 0, false);
    List<Segment> resets = stray.received();
    assertThat(resets).hasSize(2).allSatisfy(s -> assertThat(s.has(Tcp.RST)).isTrue());
    assertThat(resets.get(0).header().sequence()).as("seq = their ack").isEqualTo(1234);
    assertThat(resets.get(1).header().acknowledgement()).as("ack = their seq + len").isEqualTo(81);
  }

  @Test
  void malformedSegmentsOnlyCount() {
    TcpPeer client = peer(40008);
    client.sendRaw(Tcp.SYN, 1, 0, 1000, new byte[0], 1460, true);
    client.sendRaw(Tcp.SYN, 1, 0, 1000, "payload".getBytes(), 1460, false);
    client.sendRaw(Tcp.SYN, 1, 0, 1000, new byte[0], 50, false); // an absurd MSS
    assertThat(client.received()).isEmpty();
    assertThat(handler.connectionCount()).isZero();
    assertThat(counter("rx_accepted_err")).isEqualTo(3);
  }

  @Test
  void aSynFloodCannotGrowTheTableOrEvictEstablishedClients() {
    TcpPeer established = peer(41000);
    established.connect();
    for (int port = 42000; port < 42100; port++) {
      peer(port).send(Tcp.SYN);
    }
    assertThat(handler.connectionCount()).isEqualTo(TcpHandler.MAX_CONNECTIONS);
    established.received(); // SYN-ACKs and RSTs for the flood
    established.send(Tcp.ACK | Tcp.PSH, get("/still"));
    assertThat(text(established.received())).contains("/still hello");
  }

  @Test
  void aFullTableOfEstablishedClientsResetsNewcomers() {
    for (int port = 43000; port < 43000 + TcpHandler.MAX_CONNECTIONS; port++) {
      peer(port).connect();
    }
    TcpPeer late = peer(44000);
    late.send(Tcp.SYN);
    assertThat(late.received()).singleElement().satisfies(s -> assertThat(s.has(Tcp.RST)).isTrue());
    late.now += TcpHandler.EVICTION_NANOS + 1;
    late.send(Tcp.SYN);
    assertThat(late.received())
        .as("after 10 s of silence the oldest makes room")
        .anySatisfy(s -> assertThat(s.header().flags()).isEqualTo(Tcp.SYN | Tcp.ACK));
    assertThat(handler.connectionCount()).isEqualTo(TcpHandler.MAX_CONNECTIONS);
  }

  @Test
  void pendingResetsAreBounded() {
    TcpPeer stray = peer(45000);
    for (int i = 0; i < 500; i++) {
      stray.sendRaw(Tcp.ACK, i, i, 1000, new byte[0], 0, false);
    }
    assertThat(stray.received()).hasSize(TcpHandler.MAX_RESETS);
  }

  @Test
  void aRequestLargerThanTheBufferResetsTheConnection() {
    TcpPeer client = peer(46000);
    client.connect();
    client.send(Tcp.ACK, ("GET /" + "a".repeat(HttpEndpoint.RECEIVE_BUFFER)).getBytes());
    assertThat(client.received())
        .as("beyond the window: ignored")
        .allSatisfy(s -> assertThat(s.has(Tcp.RST)).isFalse());
    client.seq -= HttpEndpoint.RECEIVE_BUFFER + 5;
    client.send(Tcp.ACK, ("GET /" + "a".repeat(HttpEndpoint.RECEIVE_BUFFER - 5)).getBytes());
    assertThat(client.received()).anySatisfy(s -> assertThat(s.has(Tcp.RST)).isTrue());
    assertThat(handler.connectionCount()).isZero();
  }

  @Test
  void garbageGetsA400AndTheConnectionCloses() {
    TcpPeer client = peer(47000);
    client.connect();
    client.send(Tcp.ACK, "\u0001\u0002 nonsense\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    List<Segment> answer = client.received();
    assertThat(text(answer)).startsWith("HTTP/1.1 400 Bad Request");
    assertThat(answer.getLast().has(Tcp.FIN)).isTrue();
  }

  @Test
  void rstsCountOnlyInsideTheWindow() {
    TcpPeer client = peer(48000);
    client.connect();
    client.sendRaw(Tcp.RST, client.seq + 100_000, 0, 0, new byte[0], 0, false);
    assertThat(handler.connectionCount()).isEqualTo(1);
    client.sendRaw(Tcp.RST, client.seq, 0, 0, new byte[0], 0, false);
    assertThat(handler.connectionCount()).isZero();
    assertThat(client.received()).isEmpty();
  }

  @Test
  void dataAfterTheClientsFinIsIgnored() {
    TcpPeer client = peer(49000);
    client.connect();
    client.send(Tcp.FIN | Tcp.ACK);
    List<Segment> fin = client.received();
    client.send(Tcp.ACK | Tcp.PSH, get("/late"));
    assertThat(text(client.received())).doesNotContain("/late");
    client.acknowledge(fin);
    assertThat(handler.connectionCount()).isZero();
  }

  @Test
  void responsesBeyondTheBudgetResetTheirConnections() {
    body = "z".repeat(10_000);
    budget = 25_000;
    List<TcpPeer> clients = new ArrayList<>();
    for (int port = 50000; port < 50004; port++) {
      TcpPeer client = peer(port);
      client.connect();
      client.window = 0; // never reads
      client.send(Tcp.ACK, get("/"));
      clients.add(client);
    }
    assertThat(handler.heldResponseBytes()).isLessThanOrEqualTo(25_000);
    assertThat(clients.getLast().received()).anySatisfy(s -> assertThat(s.has(Tcp.RST)).isTrue());
    assertThat(handler.connectionCount()).isEqualTo(2);
  }
}
