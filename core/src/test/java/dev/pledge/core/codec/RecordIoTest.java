package dev.pledge.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.core.AbortReason;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RecordIoTest {

    @Test
    void everyAbortReasonHasItsOwnIdAndReadsBackByIt() throws IOException {
        assertThat(Arrays.stream(AbortReason.values()).mapToInt(AbortReason::onDiskId).distinct().count())
                .isEqualTo(AbortReason.values().length);
        for (AbortReason r : AbortReason.values()) {
            byte[] bytes = RecordIo.encode(out -> RecordIo.writeId(out, r));
            AbortReason read = RecordIo.decode(bytes, in -> RecordIo.readId(in, AbortReason.class));
            assertThat(read).isEqualTo(r);
        }
    }

    @Test
    void anUnknownIdFailsNamingTheIdAndTheEnum() {
        assertThatThrownBy(() -> RecordIo.fromId(AbortReason.class, 200))
                .isInstanceOf(IOException.class).hasMessage("unknown on-disk id 200 for AbortReason");
    }

    @Test
    void aVersionOutsideTheReadableRangeFailsNamingIt() {
        byte[] bytes = {4};
        assertThatThrownBy(() -> RecordIo.decode(bytes, in -> RecordIo.readVersion(in, "test record", 1, 3)))
                .isInstanceOf(IOException.class).hasMessage("unknown test record version 4 (this build reads 1..3)");
    }

    @Test
    void stringsRoundTripInUtf8() throws IOException {
        String s = "caf\u00e9 \ud83d\ude00 \u0000";
        assertThat(RecordIo.decode(RecordIo.encode(out -> RecordIo.writeString(out, "name", s)), RecordIo::readString)).isEqualTo(s);
    }

    @Test
    void aStringOverTheStoredLimitIsRefusedNamingTheField() {
        String big = "x".repeat(RecordIo.STRING_BYTES_MAX + 1);
        assertThatThrownBy(() -> RecordIo.encode(out -> RecordIo.writeString(out, "participant id", big)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("participant id of 1048577 bytes exceeds the stored limit of 1048576");
    }

    @Test
    void aCorruptLengthFailsBeforeAllocating() {
        byte[] bytes = RecordIo.encode(out -> out.writeInt(Integer.MAX_VALUE));
        assertThatThrownBy(() -> RecordIo.decode(bytes, RecordIo::readString))
                .isInstanceOf(IOException.class).hasMessageContaining("corrupt stored length 2147483647");
    }
}
