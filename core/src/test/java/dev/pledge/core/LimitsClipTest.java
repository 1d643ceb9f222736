package dev.pledge.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LimitsClipTest {
    private static final String CLEF = "\uD834\uDD1E"; // one character outside the BMP: two chars in Java

    @Test
    void aLimitTooSmallForTheNoteKeepsTheHeadWithoutSplittingACharacter() {
        String clipped = Limits.clip("a" + CLEF + "bcd", 2);
        assertThat(clipped).isEqualTo("a");
        assertThat(Character.isHighSurrogate(clipped.charAt(clipped.length() - 1))).isFalse();
    }

    @Test
    void aLongTextKeepsWholeCharactersBeforeTheNote() {
        String text = CLEF.repeat(100);
        String clipped = Limits.clip(text, 40);
        assertThat(clipped.length()).isLessThanOrEqualTo(40);
        assertThat(clipped).startsWith(CLEF).contains("more characters)");
        assertThat(clipped.codePoints().noneMatch(cp -> Character.isSurrogate((char) cp) && cp < 0x10000)).isTrue();
    }
}
