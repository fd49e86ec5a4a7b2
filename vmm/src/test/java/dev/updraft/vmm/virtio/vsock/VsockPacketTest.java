package dev.updraft.vmm.virtio.vsock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.vmm.memory.HeapGuestMemory;
import dev.updraft.vmm.virtio.Descriptor;
import dev.updraft.vmm.virtio.DescriptorChain;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The header, transmit-chain parsing, the transmit buffer and the host's CONNECT line. */
class VsockPacketTest {
  private final HeapGuestMemory memory = HeapGuestMemory.ofSize(1 << 20);

  private static final VsockHeader HEADER =
      new VsockHeader(3, 2, 1234, 52, 5, 1, VsockOp.RW.code(), 0, 65536, 77);

  @Test
  void theHeaderIs44LittleEndianBytesInTheKernelsLayout() {
    byte[] bytes = HEADER.toBytes();
    assertThat(bytes).hasSize(VsockHeader.SIZE);
    ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(le.getLong(0)).isEqualTo(3);
    assertThat(le.getLong(8)).isEqualTo(2);
    assertThat(le.getInt(16)).isEqualTo(1234);
    assertThat(le.getInt(20)).isEqualTo(52);
    assertThat(le.getInt(24)).isEqualTo(5);
    assertThat(le.getShort(28)).isEqualTo((short) 1);
    assertThat(le.getShort(30)).isEqualTo((short) 5);
    assertThat(le.getInt(36)).isEqualTo(65536);
    assertThat(le.getInt(40)).isEqualTo(77);
    assertThat(VsockHeader.read(ByteBuffer.wrap(bytes))).isEqualTo(HEADER);

    VsockHeader high = new VsockHeader(-1, -1, -1, -1, -1, 0xFFFF, 0xFFFF, -1, -1, -1);
    assertThat(VsockHeader.read(ByteBuffer.wrap(high.toBytes()))).isEqualTo(high);
    assertThat(high.length()).isEqualTo(0xFFFF_FFFFL);
    assertThat(high.operation()).isEmpty();
    assertThat(VsockOp.of(7)).contains(VsockOp.CREDIT_REQUEST);
    assertThat(VsockOp.of(0)).isEmpty();
  }

  private DescriptorChain chain(byte[] bytes, int... splits) {
    long address = 0x1000;
    memory.write(address, bytes, 0, bytes.length);
    int[] cuts = new int[splits.length + 2];
    System.arraycopy(splits, 0, cuts, 1, splits.length);
    cuts[cuts.length - 1] = bytes.length;
    Descriptor[] descriptors = new Descriptor[cuts.length - 1];
    for (int i = 0; i + 1 < cuts.length; i++) {
      descriptors[i] = new Descriptor(address + cuts[i], cuts[i + 1] - cuts[i], false);
    }
    return new DescriptorChain(0, List.of(descriptors));
  }

  @Test
  void aTransmitChainMayCutTheHeaderAndDataAnywhere() {
    byte[] packet = Arrays.copyOf(HEADER.toBytes(), VsockHeader.SIZE + 5);
    System.arraycopy("hello".getBytes(), 0, packet, VsockHeader.SIZE, 5);
    for (int[] cut : new int[][] {{}, {44}, {10, 44, 46}, {43}, {45}}) {
      TxPacket parsed = TxPacket.parse(memory, chain(packet, cut));
      assertThat(parsed)
          .isInstanceOfSatisfying(
              TxPacket.Valid.class,
              v -> {
                assertThat(v.header()).isEqualTo(HEADER);
                ByteBuffer data = ByteBuffer.allocate(5);
                v.readData(memory, data);
                assertThat(new String(data.array())).isEqualTo("hello");
              });
    }
  }

  @Test
  void transmitChainsThatAreNotPacketsAreMalformed() {
    assertThat(TxPacket.parse(memory, chain(new byte[43]))).isInstanceOf(TxPacket.Malformed.class);
    assertThat(TxPacket.parse(memory, chain(HEADER.toBytes())))
        .as("len 5 with no data")
        .isInstanceOfSatisfying(
            TxPacket.Malformed.class, m -> assertThat(m.reason()).contains("len: 5"));
    VsockHeader huge = new VsockHeader(3, 2, 1, 2, 65537, 1, 5, 0, 0, 0);
    assertThat(TxPacket.parse(memory, chain(Arrays.copyOf(huge.toBytes(), 70_000))))
        .isInstanceOf(TxPacket.Malformed.class);
    DescriptorChain writable = new DescriptorChain(0, List.of(new Descriptor(0x1000, 64, true)));
    assertThat(TxPacket.parse(memory, writable)).isInstanceOf(TxPacket.Malformed.class);
  }

  @Test
  void theTransmitBufferWrapsAndRefusesWhatDoesNotFit() throws IOException {
    TxBuffer buffer = new TxBuffer();
    FakeStream stream = new FakeStream();
    stream.room = 40_000;
    byte[] first = new byte[50_000];
    Arrays.fill(first, (byte) 1);
    assertThat(buffer.push(ByteBuffer.wrap(first))).isTrue();
    assertThat(buffer.flushTo(stream)).isEqualTo(40_000);
    byte[] second = new byte[50_000];
    Arrays.fill(second, (byte) 2);
    assertThat(buffer.push(ByteBuffer.wrap(second))).as("wraps around the end").isTrue();
    assertThat(buffer.push(ByteBuffer.wrap(new byte[10_000]))).as("over 64 KiB").isFalse();
    assertThat(buffer.size()).isEqualTo(60_000);
    stream.room = Long.MAX_VALUE;
    assertThat(buffer.flushTo(stream)).isEqualTo(60_000);
    byte[] out = stream.take();
    assertThat(out).hasSize(100_000);
    assertThat(out[49_999]).isEqualTo((byte) 1);
    assertThat(out[50_000]).isEqualTo((byte) 2);
    assertThat(out[99_999]).isEqualTo((byte) 2);
    assertThat(buffer.isEmpty()).isTrue();
  }

  @Test
  void theConnectLineIsFirecrackers() {
    assertThat(HostHandshake.parse("CONNECT 52")).isEqualTo(new HostHandshake.Outcome.Connect(52));
    assertThat(HostHandshake.parse("connect 4294967295 "))
        .isEqualTo(new HostHandshake.Outcome.Connect(-1));
    assertThat(HostHandshake.parse(" Connect\t7\r"))
        .isEqualTo(new HostHandshake.Outcome.Connect(7));
    for (String bad :
        List.of("", "CONNECT", "CONNECT 4294967296", "CONNECT -1", "OPEN 5", "CONNECT 5 6")) {
      assertThat(HostHandshake.parse(bad))
          .as(bad)
          .isInstanceOf(HostHandshake.Outcome.Refused.class);
    }
  }
}
