package dev.updraft.vmm.virtio.balloon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatsFrameTest {
  @Test
  void readsPackedTagValueEntriesLittleEndian() {
    ByteBuffer frame = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN);
    frame.putShort((short) 0).putLong(5).putShort((short) 15).putLong(-1).putShort((short) 4);
    frame.putLong(1 << 20);
    StatsFrame parsed = StatsFrame.parse(frame.array());
    assertThat(parsed.values())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                StatTag.SWAP_IN, 5L, StatTag.DIRECT_RECLAIM, -1L, StatTag.FREE_MEMORY, 1L << 20));
    assertThat(parsed.skipped()).isZero();
  }

  @Test
  void unknownTagsAndATrailingPartialEntryAreSkippedAndCounted() {
    ByteBuffer frame = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    frame.putShort((short) 16).putLong(9).putShort((short) 0xFFFF).putLong(9).put(new byte[4]);
    StatsFrame parsed = StatsFrame.parse(frame.array());
    assertThat(parsed.values()).isEmpty();
    assertThat(parsed.skipped()).isEqualTo(3);
    assertThat(StatsFrame.parse(new byte[0]).skipped()).isZero();
  }

  @Test
  void tagsAreNumberedAsTheVirtioSpecification() {
    assertThat(StatTag.of(10)).isEqualTo(StatTag.OOM_KILL);
    assertThat(StatTag.of(7).wireName()).isEqualTo("disk_caches");
    assertThat(StatTag.of(-1)).isNull();
  }
}
